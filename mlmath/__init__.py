"""mlmath: the mathematics behind neural networks, in readable, numerically careful numpy.

One module per topic, each small enough to read in one sitting:

- :mod:`mlmath.logs`           logarithms, log-likelihoods, cross-entropy, Dice loss
- :mod:`mlmath.determinants`   determinants from formulas, permutations, cofactors, elimination
- :mod:`mlmath.inner_products` dot products, norms, angles, projections, Gram-Schmidt
- :mod:`mlmath.autodiff`       a scalar reverse-mode autodiff value type (the chain rule)
- :mod:`mlmath.nn`             a small neural network trained with minibatch SGD
- :mod:`mlmath.denoise`        learning a denoising matrix, crudely and by gradient descent
- :mod:`mlmath.plots`          pictures of all of the above (each function returns a Figure)
- :mod:`mlmath.data`           toy data sets and the bundled 8x8 handwritten digits
"""

__version__ = "0.1.0"
