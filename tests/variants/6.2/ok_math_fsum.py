"""Adds the squared residuals with math.fsum and divides by their count."""
import math

import numpy as np


def denoising_error(W, noisy, clean):
    R = np.asarray(W) @ np.asarray(noisy) - np.asarray(clean)
    return math.fsum((R * R).ravel()) / R.size
