"""Naive Bayes classifiers trained in one pass over the blocks of dask input."""

from ._gaussian import GaussianNB

__all__ = ["GaussianNB"]
