"""make_regression and make_counts: linear targets (Gaussian noise, Poisson counts)."""

from __future__ import annotations

import numpy as np

from ._common import (
    _STRUCTURE_STREAM,
    CHUNKS_DOC,
    _base_seed,
    _block_arrays,
    _block_rng,
    _check_bool,
    _check_int,
    _check_real,
    _chunks,
    _Params,
    _stream,
)

# --------------------------------------------------------------------------------------------
# make_regression
# --------------------------------------------------------------------------------------------


def _singular_profile(rank, effective_rank, tail_strength):
    """scikit-learn's low-rank singular values (``make_low_rank_matrix``): a bell-shaped
    part of width ``effective_rank`` plus a fat tail of relative weight ``tail_strength``."""
    index = np.arange(rank, dtype=np.float64)
    low_rank = (1.0 - tail_strength) * np.exp(-((index / effective_rank) ** 2))
    tail = tail_strength * np.exp(-0.1 * index / effective_rank)
    return low_rank + tail


def _orthonormal_columns(rng, n_rows, n_columns):
    """A uniformly random ``(n_rows, n_columns)`` matrix with orthonormal columns."""
    q, r = np.linalg.qr(rng.standard_normal((n_rows, n_columns)))
    signs = np.sign(np.diag(r))
    signs[signs == 0] = 1.0
    return q * signs


def _regression_block(p, block_index):
    rng = _block_rng(p, block_index)
    n_rows = p.rows[block_index]
    if p.basis is None:
        X = rng.standard_normal((n_rows, p.n_features))
    else:
        # rows z @ diag(s) @ V.T / sqrt(n_samples) with z standard normal: E[X.T @ X] is
        # V @ diag(s**2) @ V.T, the X.T @ X of scikit-learn's low-rank matrix
        Z = rng.standard_normal((n_rows, p.basis.shape[1]))
        Z *= p.row_singular
        X = Z @ p.basis.T
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
    effective_rank=None,
    tail_strength=0.5,
    noise=0.0,
    shuffle=True,
    coef=False,
    random_state=None,
    chunks=None,
):
    """Generate a random linear regression problem, as chunked dask arrays.

    The model is scikit-learn's :func:`sklearn.datasets.make_regression`: ``n_informative``
    features have coefficients drawn uniformly in [0, 100) (the others are zero), and
    ``y = X @ coef + bias + noise * N(0, 1)``.

    - With ``effective_rank=None`` the features are independent standard normal, as in
      scikit-learn.
    - With an ``effective_rank``, the input has scikit-learn's low-rank, fat-tail singular
      profile (:func:`sklearn.datasets.make_low_rank_matrix`): with ``k = min(n_samples,
      n_features)`` and ``s_i = (1 - tail_strength) * exp(-(i / effective_rank)**2) +
      tail_strength * exp(-0.1 * i / effective_rank)`` for ``i < k``, scikit-learn builds
      ``X = U @ diag(s) @ V.T`` with random orthonormal ``U`` and ``V``. Its rows are tied
      together by ``U``, which no block can draw alone, so here each row is
      ``z @ diag(s) @ V.T / sqrt(n_samples)`` with ``z`` standard normal (independent rows)
      and ``V`` a random ``(n_features, k)`` orthonormal basis shared by all blocks. What is
      equal to scikit-learn's in distribution: ``V`` (uniformly random), the expectation of
      ``X.T @ X``, which is ``V @ diag(s**2) @ V.T`` (scikit-learn's ``X.T @ X`` exactly),
      and so the covariance structure and the directions of the singular vectors. The
      singular values of ``X`` are ``s`` up to a relative error of about
      ``sqrt(n_features / n_samples)`` (exactly ``s`` in scikit-learn), so they are close
      for ``n_samples`` much larger than ``n_features`` and spread (Marchenko-Pastur) when
      ``n_samples`` is close to or below ``n_features``.

    Each row block is generated from its own random stream, so the data are reproducible
    whatever the scheduler and never materialised as a whole; they depend on ``chunks``.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples.
    n_features : int, default=100
        Number of features.
    n_informative : int, default=10
        Number of features with a non-zero coefficient; more than ``n_features`` means all
        of them (scikit-learn clips it to ``n_features`` too).
    n_targets : int, default=1
        Number of regression targets.
    bias : float, default=0.0
        Intercept of the linear model.
    effective_rank : int or None, default=None
        None: independent standard normal features. An int: the approximate number of
        singular vectors that explain most of the input (see above).
    tail_strength : float in [0, 1], default=0.5
        Relative weight of the fat tail of the singular profile; used only with an
        ``effective_rank`` (as in scikit-learn).
    noise : float, default=0.0
        Standard deviation of the Gaussian noise added to ``y``.
    shuffle : bool, default=True
        Put the informative features at random columns (without shuffling they are the
        first ``n_informative`` columns). The rows are independent and identically
        distributed, so their order is random either way (with ``effective_rank`` the
        basis ``V`` is uniformly random, so the columns are exchangeable either way too).
    coef : bool, default=False
        Also return the coefficients of the model.
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    {chunks}

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
    n_informative = min(_check_int("n_informative", n_informative, low=0), n_features)
    n_targets = _check_int("n_targets", n_targets, low=1)
    bias = _check_real("bias", bias)
    if effective_rank is not None:
        effective_rank = _check_int("effective_rank", effective_rank, low=1)
    tail_strength = _check_real("tail_strength", tail_strength, low=0.0, high=1.0)
    noise = _check_real("noise", noise, low=0.0)
    shuffle = _check_bool("shuffle", shuffle)
    return_coef = _check_bool("coef", coef)
    rows, column_chunks = _chunks(chunks, n_samples, n_features)
    base = _base_seed(random_state)
    rng = _stream(base, _STRUCTURE_STREAM)

    coef_informative = 100.0 * rng.random(size=(n_informative, n_targets))
    if shuffle:
        informative = np.sort(rng.choice(n_features, size=n_informative, replace=False))
    else:
        informative = np.arange(n_informative)
    basis = row_singular = None
    if effective_rank is not None:
        rank = min(n_samples, n_features)
        basis = _orthonormal_columns(rng, n_features, rank)
        singular = _singular_profile(rank, effective_rank, tail_strength)
        row_singular = singular / np.sqrt(n_samples)
    full_coef = np.zeros((n_features, n_targets))
    full_coef[informative] = coef_informative
    params = _Params(
        "make_regression",
        base_seed=base,
        n_features=n_features,
        basis=basis,
        row_singular=row_singular,
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
        [(column_chunks, np.float64), (None if n_targets == 1 else (n_targets,), np.float64)],
    )
    if return_coef:
        return X, y, full_coef[:, 0] if n_targets == 1 else full_coef
    return X, y


make_regression.__doc__ = make_regression.__doc__.replace(
    "{chunks}", CHUNKS_DOC.format(default="None")
)


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
    chunks=100,
    random_state=None,
    *,
    coef=False,
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
        Number of features with a non-zero coefficient (at least 1; more than
        ``n_features`` means all of them, as :func:`make_regression` clips it).
    scale : float, default=1.0
        Scales the coefficient vector: its Euclidean norm, i.e. the standard deviation of
        the log-rate.
    {chunks}
    random_state : None, int, RandomState or Generator, default=None
        Seed of the data (see the module documentation).
    coef : bool, default=False
        Also return the coefficients of the model (keyword only).

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
    n_informative = min(_check_int("n_informative", n_informative, low=1), n_features)
    scale = _check_real("scale", scale, low=0.0)
    return_coef = _check_bool("coef", coef)
    rows, column_chunks = _chunks(chunks, n_samples, n_features)
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
        "make_counts", _counts_block, params, [(column_chunks, np.float64), (None, np.int64)]
    )
    if return_coef:
        return X, y, full_coef
    return X, y


make_counts.__doc__ = make_counts.__doc__.replace("{chunks}", CHUNKS_DOC.format(default="100"))
