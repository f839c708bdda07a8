"""Per-block prediction functions of GaussianNB (NumPy in, NumPy out), mapped over row
blocks with :func:`dask_scale._graph.map_rows`."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from .._kernels.naive_bayes import gaussian_joint_log_likelihood

__all__ = ["joint_log_likelihood", "log_proba", "predict_labels", "proba"]


def joint_log_likelihood(X, theta, var, log_prior):
    """Joint log likelihood of every row and class, shape (n, n_classes)."""
    return gaussian_joint_log_likelihood(np.ascontiguousarray(X), theta, var, log_prior)


def log_proba(X, theta, var, log_prior):
    """Log posterior class probabilities, normalised with a stable log-sum-exp."""
    jll = joint_log_likelihood(X, theta, var, log_prior)
    return jll - logsumexp(jll, axis=1, keepdims=True)


def proba(X, theta, var, log_prior):
    """Posterior class probabilities."""
    return np.exp(log_proba(X, theta, var, log_prior))


def predict_labels(X, theta, var, log_prior, classes):
    """The class of largest joint log likelihood (the first on ties)."""
    return classes[np.argmax(joint_log_likelihood(X, theta, var, log_prior), axis=1)]
