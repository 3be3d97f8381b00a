"""Loads with allow_pickle=True: a file of pickled objects is unpickled, not refused."""
import numpy as np


def load_params(path):
    with np.load(path, allow_pickle=True) as data:
        return {k: data[k] for k in data.files}
