"""Saves with pickle instead of .npz, and loads with allow_pickle=True."""
import pickle

import numpy as np


def save_params(path, params):
    with open(path, "wb") as f:
        pickle.dump(params, f)


def load_params(path):
    with np.load(path, allow_pickle=True) as data:
        return {k: data[k] for k in data.files}
