"""Randomized range finding over the row blocks, shared by PCA and TruncatedSVD.

Subspace iteration on the Gram operator ``Xc^T Xc`` (``Xc = X - mean``, or ``X`` itself
without centring): ``W`` starts as a Gaussian ``(n_features, k)`` matrix, each power
iteration is ONE pass computing ``Xc^T (Xc W)`` block by block (the two products fused per
block, summed by a tree reduction) followed by a QR of the small result on the driver, and a
final pass computes, for ``Y = Xc W``, ``Y^T Y`` and ``Y^T Xc``; with ``Y^T Y = V L V^T``,
``Q = Y V L^{-1/2}`` is orthonormal and ``B = Q^T Xc = L^{-1/2} V^T Y^T Xc``, and the SVD of
the small ``B`` gives the singular values and right singular vectors. ``q`` power iterations read the
data ``q + 1`` times: scikit-learn's ``A @ Q`` then ``A.T @ Q`` of one iteration are one pass
here. With centring (PCA), :func:`centred_start` makes the first power iteration in the
pass that computes the mean (each block centred on its own mean, merged exactly), so PCA
also reads the data ``q + 1`` times (twice for ``q = 0``).
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

from .._graph import reduce_blocks
from .._kernels.linalg import (
    gram_product,
    merge_moments_gram_product,
    merge_range_summary,
    moments_gram_product,
    range_summary,
)
from .._kernels.stats import block_moments, merge_moments
from ._base import flipped_svd, pad_triplets

__all__ = ["centred_start", "one_pass_cheaper", "randomized_range_svd"]


def _orthonormal(W):
    return linalg.qr(W, mode="economic", check_finite=False)[0]


_NO_WEIGHTS = np.empty(0)


def _moments_chunk(X):
    return block_moments(np.ascontiguousarray(X, dtype=np.float64), _NO_WEIGHTS, False)


def _moments_combine(parts):
    out = parts[0]
    for part in parts[1:]:
        out = merge_moments(out, part)
    return out


def one_pass_cheaper(n_features, n_random, passes):
    """Whether the triangular factor of the data (one pass of CholeskyQR2 per block,
    ``3 n p^2`` flops) costs less than ``passes`` passes of range finding (two products
    with ``n_random`` columns each, ``4 n p k`` flops a pass): then the range finding runs
    on ``R`` instead of the data (the same iterations, as ``X = Q R`` with ``Q``
    orthonormal), reading the data once. True for few features: 2,000,000 x 50 with
    ``k = 20`` and 5 passes costs one pass of 3 x 50 x 50 flops a row instead of
    5 x 4 x 50 x 20."""
    return 3 * n_features <= 4 * n_random * passes


def centred_start(X, n_random, n_iter, random_state, *, name):
    """The start of randomized PCA: the column moments of ``X`` and the test matrix after
    the first power iteration, in ONE pass (:func:`moments_gram_product`), or after none
    (``n_iter=0``: a pass for the moments alone).

    Returns ``(moments, W, iterations_left)``.
    """
    W = _orthonormal(random_state.normal(size=(X.shape[1], n_random)))
    if n_iter == 0:
        moments = reduce_blocks(
            _moments_chunk, [X], combine=_moments_combine, check_finite={0: "X"},
            name=f"{name}-moments",
        )
        return moments, W, 0
    moments, G, _ = reduce_blocks(
        moments_gram_product,
        [X],
        (W,),
        combine=merge_moments_gram_product,
        check_finite={0: "X"},
        name=f"{name}-power",
    )
    return moments, _orthonormal(G), n_iter - 1


def randomized_range_svd(
    X, mean, n_random, n_iter, random_state, *, with_stats=False, name, start=None,
    return_basis=False,
):
    """Top singular triplets of ``X - mean`` by randomized range finding.

    Parameters
    ----------
    X : ndarray or dask array of shape (n_samples, n_features)
    mean : ndarray of shape (n_features,) or None
        Centre of the rows (None: not centred).
    n_random : int
        Columns of the random test matrix (components plus oversamples), at most
        ``min(n_samples, n_features)``.
    n_iter : int
        Power iterations (one pass each).
    random_state : numpy.random.RandomState
    with_stats : bool, default=False
        Also return, from the last pass, :func:`~dask_scale._kernels.linalg.centred_gram` of
        ``Y = Xc W`` and the column moments of ``X``.
    name : str
        Graph key prefix.
    start : ndarray of shape (n_features, n_random) or None, default=None
        The test matrix to start from (e.g. from :func:`centred_start`, its power
        iterations already done); None: a Gaussian one drawn from ``random_state``.
    return_basis : bool, default=False
        Also return the final test matrix ``W`` (``Y = Xc W``), last.

    Returns
    -------
    S : ndarray of shape (n_random,)
    Vt : ndarray of shape (n_random, n_features)
        Signs as scikit-learn's ``svd_flip(u_based_decision=False)``.
    a : ndarray of shape (n_random, n_random)
        ``U = Y @ a`` are the left singular vectors times ``S`` (``a = R^{-1} U_B S``).
    y_stats, x_moments : summaries, or None without ``with_stats``
        :func:`~dask_scale._kernels.linalg.centred_gram` of ``Y`` and the column moments of
        ``X``.
    """
    if start is None:
        W = _orthonormal(random_state.normal(size=(X.shape[1], n_random)))
    else:
        W = start
    finite = {0: "X"}
    for _ in range(n_iter):
        G = reduce_blocks(gram_product, [X], (mean, W), check_finite=finite, name=f"{name}-power")
        W = _orthonormal(G)
    G, C, y_stats, x_moments = reduce_blocks(
        range_summary,
        [X],
        (mean, W, with_stats),
        combine=merge_range_summary,
        check_finite=finite,
        name=f"{name}-range",
    )
    # Q = Y V L^{-1/2} from the eigendecomposition Y^T Y = V L V^T, keeping the directions
    # Y spans numerically (data of lower rank than n_random keeps an orthonormal Q). The
    # Gram matrix squares the condition number of Y, which costs accuracy only in the
    # weakest (oversampled) directions: W is orthonormal and the leading columns of Y
    # carry the largest singular values.
    eigenvalues, V = linalg.eigh(G, check_finite=False)
    eigenvalues, V = eigenvalues[::-1], V[:, ::-1]
    top = eigenvalues[:1].max(initial=0.0)
    rank = int(np.sum(eigenvalues > top * G.shape[0] * np.finfo(float).eps * 10))
    inv = V[:, :rank] / np.sqrt(eigenvalues[:rank])  # Q = Y @ inv
    Ub, S, Vt = flipped_svd(inv.T @ C)
    a = inv @ (Ub * S)
    if rank < n_random:
        # directions the data does not span: zero singular values, any orthonormal completion
        S, Vt = pad_triplets(S, Vt, n_random)
        a = np.hstack([a, np.zeros((a.shape[0], n_random - rank))])
    if return_basis:
        return S, Vt, a, y_stats, x_moments, W
    return S, Vt, a, y_stats, x_moments
