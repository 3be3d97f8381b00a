"""np.savez with the arrays as keywords; load copies each array with np.array."""
import numpy as np


def save_params(path, params):
    np.savez(path, **{k: np.asarray(v) for k, v in params.items()})


def load_params(path):
    data = np.load(path)
    try:
        return {k: np.array(data[k]) for k in data.files}
    finally:
        data.close()
