"""Builds the answer from new symbols named p and y instead of the ones passed in."""
import sympy as sp


def bernoulli_loglik_derivative(p, y):
    p_, y_ = sp.symbols("p y")
    return y_ / p_ - (1 - y_) / (1 - p_)
