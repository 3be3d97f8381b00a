"""Draws the noise array first, then adds; converts the images to float first."""
import numpy as np


def add_noise(images, sigma, seed=0):
    images = np.asarray(images, dtype=float)
    noise = np.random.default_rng(seed).normal(0.0, 1.0, images.shape)
    return images + sigma * noise
