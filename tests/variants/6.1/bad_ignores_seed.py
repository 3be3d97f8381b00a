"""Always draws the noise with seed 0."""
import numpy as np


def add_noise(images, sigma, seed=0):
    return images + sigma * np.random.default_rng(0).normal(size=np.shape(images))
