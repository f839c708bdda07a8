"""The passes of the Nyström spectral clustering over the row blocks of ``X``.

Every pass computes, block by block, the affinity ``C = K(block, S)`` of the block's rows to
the ``l`` sampled rows ``S`` (scikit-learn's pairwise kernels; the ``n x n`` affinity matrix
is never formed) and reduces it, or maps it, to something small:

- :func:`sample_rows`: the rows ``S`` at positions drawn from the whole of ``X`` (one
  graph submission; unknown row-block lengths are counted first, once).
- :func:`affinity_column_sums`: ``sum over rows of K(x, S)``, shape ``(l,)``: the degrees
  of the sampled rows (Fowlkes et al., 2004: ``A 1 + B 1``).
- :func:`normalised_gram`: ``sum over rows of c(x) c(x)^T``, shape ``(l, l)``, with
  ``c(x) = K(x, S) / sqrt(d_S d(x))`` the row's normalised affinity to the sample, ``d(x)``
  its degree extended from the sample (the Nyström extension of the degree), and the number
  of rows whose degree is not positive (isolated rows, given a zero embedding).
- :func:`embed`: ``c(x) @ W`` row-normalised (Ng, Jordan and Weiss), lazily for dask input.

The block functions are module-level (picklable) and work in float64.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics.pairwise import pairwise_kernels

from .._graph import map_rows, reduce_blocks, take_rows
from .._graph.compute import compute
from .._validation import is_dask_array

__all__ = [
    "affinity",
    "affinity_column_sums",
    "embed",
    "normalised_gram",
    "sample_rows",
]


def sample_rows(X, indices):
    """The rows of ``X`` at the sorted positions ``indices``, as a float64 NumPy array."""
    rows = take_rows(X, indices, name="spectral-sample") if is_dask_array(X) else X[indices]
    if is_dask_array(rows):
        (rows,) = compute(rows)
    return np.ascontiguousarray(rows, dtype=np.float64)


def affinity(block, sample, metric, params):
    """``K(block, sample)``: scikit-learn's kernel ``metric`` (a name or a callable)."""
    block = np.asarray(block, dtype=np.float64)
    if block.shape[0] == 0:  # an empty row block (scikit-learn's kernels refuse 0 rows)
        return np.zeros((0, sample.shape[0]))
    out = pairwise_kernels(block, sample, metric=metric, filter_params=True, **params)
    return np.asarray(out, dtype=np.float64)


def _column_sums_chunk(block, sample, metric, params):
    return affinity(block, sample, metric, params).sum(axis=0)


def affinity_column_sums(X, sample, metric, params, *, check_finite):
    """``sum_x K(x, sample)`` over every row of ``X``, shape ``(l,)`` (one pass)."""
    return reduce_blocks(
        _column_sums_chunk, [X], (sample, metric, params),
        check_finite=check_finite, name="spectral-degrees",
    )


def _normalised(C, extend, scale):
    """Rows of ``C`` scaled to ``C * scale / sqrt(C @ extend)``; zero where the degree
    ``C @ extend`` is not positive (rows with no affinity to the sample), and their count."""
    degree = C @ extend
    ok = degree > 0
    inv = np.zeros_like(degree)
    inv[ok] = 1.0 / np.sqrt(degree[ok])
    return C * scale[None, :] * inv[:, None], int(np.count_nonzero(~ok))


def _gram_chunk(block, sample, metric, params, extend, scale):
    c, isolated = _normalised(affinity(block, sample, metric, params), extend, scale)
    return c.T @ c, isolated


def normalised_gram(X, sample, metric, params, extend, scale):
    """``(sum_x c(x) c(x)^T, isolated rows)`` over every row of ``X`` (one pass)."""
    gram, isolated = reduce_blocks(
        _gram_chunk, [X], (sample, metric, params, extend, scale), name="spectral-gram",
    )
    return gram, int(isolated)


def _embed_block(block, sample, metric, params, extend, scale, basis):
    c, _ = _normalised(affinity(block, sample, metric, params), extend, scale)
    V = c @ basis
    norms = np.sqrt(np.einsum("ij,ij->i", V, V))
    nonzero = norms > 0
    V[nonzero] /= norms[nonzero, None]
    return V


def embed(X, sample, metric, params, extend, scale, basis):
    """The spectral embedding of every row of ``X``, shape ``(n_samples, k)``, float64.

    NumPy for NumPy input; a lazy dask array with ``X``'s row chunks for dask input.
    """
    return map_rows(
        _embed_block, X, sample, metric, params, extend, scale, basis,
        out_dtype=np.float64, n_out=basis.shape[1], check_finite=False,
    )
