"""Seeds the legacy global generator (np.random.seed) instead of default_rng(seed)."""
import numpy as np


def add_noise(images, sigma, seed=0):
    np.random.seed(seed)
    return images + sigma * np.random.normal(size=np.shape(images))
