"""make_regression and make_counts: linear targets (Gaussian noise, Poisson counts)."""

from __future__ import annotations

import numpy as np

from ._common import (
    _STRUCTURE_STREAM,
    _base_seed,
    _block_arrays,
    _block_rng,
    _check_bool,
    _check_int,
    _check_real,
    _Params,
    _row_chunks,
    _stream,
)

# --------------------------------------------------------------------------------------------
# make_regression
# --------------------------------------------------------------------------------------------


def _regression_block(p, block_index):
    rng = _block_rng(p, block_index)
    n_rows = p.rows[block_index]
    X = rng.standard_normal((n_rows, p.n_features))
    y = X[:, p.informative] @ p.coef + p.bias
    if p.noise > 0:
        y += p.noise * rng.standard_normal(y.shape)
    if p.squeeze:
        y = y[:, 0]
    return X, y


def make_regression(
    n_samples=100,
    n_features=100,
    n_informative=10,
    n_targets=1,
    bias=0.0,
    noise=0.0,
    shuffle=True,
    coef=False,
    random_state=None,
    chunks=None,
):
    """Generate a random linear regression problem, as chunked dask arrays.

    The model is scikit-learn's :func:`sklearn.datasets.make_regression` (with
    ``effective_rank=None``): the features are independent standard normal, ``n_informative``
    of them have coefficients drawn uniformly in [0, 100) (the others are zero), and
    ``y = X @ coef + bias + noise * N(0, 1)``.

    Each row block is generated from its own random stream, so the data are reproducible
    whatever the scheduler and never materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples.
    n_features : int, default=100
        Number of features.
    n_informative : int, default=10
        Number of features with a non-zero coefficient (at most ``n_features``).
    n_targets : int, default=1
        Number of regression targets.
    bias : float, default=0.0
        Intercept of the linear model.
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to ``y``.
    shuffle : bool, default=True
        Put the informative features at random columns (without shuffling they are the
        first ``n_informative`` columns). The rows are independent and identically
        distributed, so their order is random either way.
    coef : bool, default=False
        Also return the coefficients of the model.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple of int or None, default=None
        Rows per block, or the size of each row block (summing to ``n_samples``). None means
        blocks of 100_000 rows. Columns are always a single block.

    Returns
    -------
    X : dask array of shape (n_samples, n_features), float64
        The input samples.
    y : dask array of shape (n_samples,) or (n_samples, n_targets), float64
        The targets (1-D when ``n_targets == 1``).
    coef : ndarray of shape (n_features,) or (n_features, n_targets)
        The coefficients; only when ``coef=True``.

    Examples
    --------
    >>> from dask_scale.datasets import make_regression
    >>> X, y, w = make_regression(n_samples=500, n_features=5, n_informative=2,
    ...                           coef=True, random_state=0, chunks=200)
    >>> X.shape, y.shape, w.shape
    ((500, 5), (500,), (5,))
    >>> import numpy as np
    >>> bool(np.allclose(X.compute() @ w, y.compute()))
    True
    """
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=0)
    if n_informative > n_features:
        raise ValueError(
            f"n_informative={n_informative} exceeds n_features={n_features}; lower "
            "n_informative or increase n_features."
        )
    n_targets = _check_int("n_targets", n_targets, low=1)
    bias = _check_real("bias", bias)
    noise = _check_real("noise", noise, low=0.0)
    shuffle = _check_bool("shuffle", shuffle)
    return_coef = _check_bool("coef", coef)
    rows = _row_chunks(chunks, n_samples, n_features)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    coef_informative = 100.0 * rng.random(size=(n_informative, n_targets))
    if shuffle:
        informative = np.sort(rng.choice(n_features, size=n_informative, replace=False))
    else:
        informative = np.arange(n_informative)
    full_coef = np.zeros((n_features, n_targets))
    full_coef[informative] = coef_informative
    params = _Params(
        "make_regression",
        base_seed=base,
        n_features=n_features,
        informative=informative,
        coef=coef_informative,
        bias=bias,
        noise=noise,
        squeeze=n_targets == 1,
        rows=rows,
    )
    X, y = _block_arrays(
        "make_regression",
        _regression_block,
        params,
        [(n_features, np.float64), (None if n_targets == 1 else n_targets, np.float64)],
    )
    if return_coef:
        return X, y, full_coef[:, 0] if n_targets == 1 else full_coef
    return X, y


# --------------------------------------------------------------------------------------------
# make_counts
# --------------------------------------------------------------------------------------------


def _counts_block(p, block_index):
    rng = _block_rng(p, block_index)
    n_rows = p.rows[block_index]
    X = rng.standard_normal((n_rows, p.n_features))
    rate = np.exp(X[:, p.informative] @ p.coef)
    return X, rng.poisson(rate).astype(np.int64)


def make_counts(
    n_samples=1000,
    n_features=100,
    n_informative=2,
    scale=1.0,
    coef=False,
    random_state=None,
    chunks=None,
):
    """Generate a Poisson regression problem (count targets), as chunked dask arrays.

    The model: the features are independent standard normal; ``n_informative`` of them,
    at random columns, have non-zero coefficients, the others zero. The informative
    coefficients form a uniformly random direction of Euclidean norm ``scale``, so the
    log-rate ``X @ coef`` is exactly ``N(0, scale**2)`` distributed and the rates stay
    moderate (with ``scale=1`` the mean count is ``exp(1/2)``). Then
    ``y ~ Poisson(exp(X @ coef))``; there is no intercept.

    Each row block is generated from its own random stream, so the data are reproducible
    whatever the scheduler and never materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of samples.
    n_features : int, default=100
        Number of features.
    n_informative : int, default=2
        Number of features with a non-zero coefficient (1 to ``n_features``).
    scale : float, default=1.0
        Norm of the coefficient vector, i.e. the standard deviation of the log-rate.
    coef : bool, default=False
        Also return the coefficients of the model.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    chunks : int, tuple of int or None, default=None
        Rows per block, or the size of each row block (summing to ``n_samples``). None means
        blocks of 100_000 rows. Columns are always a single block.

    Returns
    -------
    X : dask array of shape (n_samples, n_features), float64
        The input samples.
    y : dask array of shape (n_samples,), int64
        The counts (non-negative integers).
    coef : ndarray of shape (n_features,)
        The coefficients; only when ``coef=True``.

    Examples
    --------
    >>> from dask_scale.datasets import make_counts
    >>> X, y = make_counts(n_samples=1000, n_features=10, random_state=0, chunks=500)
    >>> X.chunks, y.dtype
    (((500, 500), (10,)), dtype('int64'))
    >>> bool((y >= 0).all().compute())
    True
    """
    n_samples = _check_int("n_samples", n_samples, low=1)
    n_features = _check_int("n_features", n_features, low=1)
    n_informative = _check_int("n_informative", n_informative, low=1)
    if n_informative > n_features:
        raise ValueError(
            f"n_informative={n_informative} exceeds n_features={n_features}; lower "
            "n_informative or increase n_features."
        )
    scale = _check_real("scale", scale, low=0.0)
    return_coef = _check_bool("coef", coef)
    rows = _row_chunks(chunks, n_samples, n_features)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    informative = np.sort(rng.choice(n_features, size=n_informative, replace=False))
    direction = rng.standard_normal(n_informative)
    coef_informative = scale * direction / np.linalg.norm(direction)
    full_coef = np.zeros(n_features)
    full_coef[informative] = coef_informative
    params = _Params(
        "make_counts",
        base_seed=base,
        n_features=n_features,
        informative=informative,
        coef=coef_informative,
        rows=rows,
    )
    X, y = _block_arrays(
        "make_counts", _counts_block, params, [(n_features, np.float64), (None, np.int64)]
    )
    if return_coef:
        return X, y, full_coef
    return X, y
