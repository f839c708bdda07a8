"""dask-ml's ``dask_ml.metrics.pairwise`` path: the pairwise functions of
:mod:`dask_scale.metrics`."""

from ._pairwise import (
    PAIRWISE_KERNEL_FUNCTIONS,
    euclidean_distances,
    linear_kernel,
    pairwise_distances,
    pairwise_distances_argmin_min,
    pairwise_kernels,
    polynomial_kernel,
    rbf_kernel,
    sigmoid_kernel,
)

__all__ = [
    "PAIRWISE_KERNEL_FUNCTIONS",
    "euclidean_distances",
    "linear_kernel",
    "pairwise_distances",
    "pairwise_distances_argmin_min",
    "pairwise_kernels",
    "polynomial_kernel",
    "rbf_kernel",
    "sigmoid_kernel",
]
