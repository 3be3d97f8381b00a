"""np.savez_compressed (np.load reads it the same way); load through dict()."""
import numpy as np


def save_params(path, params):
    np.savez_compressed(path, **params)


def load_params(path):
    with np.load(path, allow_pickle=False) as f:
        return dict(f.items())
