"""KMeans trained block by block: k-means|| initialisation and fused Lloyd passes."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import dask.array as da
import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Hidden, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._fitting import all_or_nothing
from .._graph import affine_source, map_rows, reduce_blocks
from .._progress import IterationLog
from .._set_output import TransformerMixin
from .._validation import (
    check_sample_weight,
    is_dask_array,
    is_dask_frame,
    validate_data,
    warn_no_effect,
)
from ._kmeans_init import check_init_array, check_sizes, init_steps, initial_centres
from ._kmeans_lloyd import e_step, lloyd
from ._kmeans_passes import distances_chunk, labels_chunk, sse_chunk

__all__ = ["KMeans"]

_FLOATS = [np.float64, np.float32]


def _training_labels(blocks, dask_in):
    """``labels_`` from the per-block labels of the final E-step.

    NumPy for in-memory input (scikit-learn's ``labels_``). For dask input, a dask array over
    the labels already computed, with the training data's row chunks (empty blocks
    included, the lengths the fit found for unknown chunks), as dask-ml's ``labels_`` has
    them: its graph holds only the labels (4 bytes a row), never the training data's graph.
    """
    labels = np.concatenate(blocks) if blocks else np.empty(0, dtype=np.int32)
    if not dask_in:
        return labels
    return da.from_array(labels, chunks=(tuple(len(b) for b in blocks),))


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """K-Means clustering of data larger than memory, with k-means|| initialisation.

    Each Lloyd iteration is one pass over the row blocks of the data: a fused numba kernel
    assigns every row to its nearest centre and reduces the block to per-cluster weighted sums
    and weights and its SSE; the blocks are merged by a tree reduction and the driver computes
    the new centres. The default initialisation, k-means|| (Bahmani et al., 2012), needs
    ``init_max_iter + 2`` passes instead of the ``n_clusters + 1`` of k-means++. NumPy
    input runs the same kernels in-process on a thread pool; dask arrays (known or unknown
    chunk sizes) and dask DataFrames are read block by block and never persisted by the fit.

    The objective, ``tol``, ``inertia_``, ``labels_`` and ``n_iter_`` follow scikit-learn's
    :class:`sklearn.cluster.KMeans`: ``inertia_`` is the weighted sum of squared distances
    of the samples to their closest centre, and both it and ``labels_`` are those of the final
    centres.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {"k-means||", "k-means++", "random"} or array-like of shape \
            (n_clusters, n_features), default="k-means||"
        Initialisation:

        - "k-means||": scalable k-means++ (Bahmani et al., 2012): ``init_max_iter`` rounds
          each sampling about ``oversampling_factor * n_clusters`` points with probability
          proportional to their squared distance to the points sampled so far; the sampled
          points, weighted by the sample weight of the points closest to them, are reduced to
          ``n_clusters`` centres in memory by greedy weighted k-means++ and weighted Lloyd
          iterations.
        - "k-means++": scikit-learn's greedy k-means++: each next centre is the best, by the
          cost it leaves, of ``2 + int(log(n_clusters))`` points drawn with probability
          proportional to ``sample_weight * d2``; ``n_clusters + 1`` passes over the data.
        - "random": ``n_clusters`` rows drawn without replacement, with probability
          proportional to their sample weight.
        - an array: the initial centres.
    oversampling_factor : float, default=2
        Expected number of points sampled per k-means|| round, as a multiple of
        ``n_clusters``.
    init_max_iter : int or None, default=None
        Number of k-means|| rounds (fewer when every point is already a candidate). None means
        5, the constant the paper found sufficient in practice.
    max_iter : int, default=300
        Maximum number of Lloyd iterations of one run.
    tol : float, default=1e-4
        Relative tolerance with regards to the Frobenius norm of the difference in the
        cluster centres of two consecutive iterations to declare convergence: the run stops
        when the squared norm is at most ``tol`` times the mean of the per-feature variances
        of the data (scikit-learn's definition; the variances are unweighted and gathered in
        the first pass over the data).
    n_init : "auto" or int, default="auto"
        Number of runs with different seeds; the run with the lowest inertia is kept. "auto"
        means 10 for ``init="random"`` and 1 otherwise (scikit-learn's rule). An array
        ``init`` is run once.
    random_state : int, RandomState instance or None, default=None
        Determines the random draws of the initialisation. With a fixed value, results are
        the same whatever the dask scheduler (they depend on the chunking).
    algorithm : {"lloyd", "full"}, default="lloyd"
        K-means algorithm; only Lloyd's is implemented. ``"full"`` (dask-ml's name, and
        scikit-learn's before 1.1) is Lloyd's too: accepted with a ``FutureWarning`` asking
        for ``"lloyd"``. ``"elkan"`` raises a ``ValueError`` at fit time (Elkan's bounds are
        per-sample state kept between passes; Lloyd's gives the same clustering).
    verbose : int, default=0
        Print the SSE and centre shift of each iteration (and the cost of each
        initialisation round) to stderr when positive.
    precompute_distances : {"auto", True, False}, default="deprecated"
        dask-ml's (and old scikit-learn's) keyword; it has no effect here, where distances
        are always computed block by block inside the fused kernel. Setting it warns
        (``FutureWarning``) at fit time; leave it out.
    copy_x : bool, default="deprecated"
        dask-ml's (and scikit-learn's) keyword; it has no effect here: ``X`` is never
        modified, so the fit always behaves as ``copy_x=True``. Setting it warns
        (``FutureWarning``) at fit time; leave it out.
    n_jobs : int or None, default="deprecated"
        dask-ml's (and old scikit-learn's) keyword; it has no effect here: the parallelism is
        the dask scheduler's (``dask.config.set(num_workers=...)`` for threads and NumPy
        input, or the workers of a ``dask.distributed`` Client). Setting it warns
        (``FutureWarning``) at fit time; leave it out.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        Coordinates of cluster centres, dtype of the training data.
    labels_ : ndarray or dask array of shape (n_samples,)
        Label of each training sample (int32), gathered in the fit's final pass (4 bytes a
        row on the driver). A NumPy array for in-memory input, as in scikit-learn. For a dask
        array or dask DataFrame, a dask array as in dask-ml, with the training data's row
        chunks (a DataFrame's partition lengths; empty blocks included; the lengths found by
        the fit for unknown chunks) over the labels already computed: its graph holds the
        labels only, never the training data's graph, so a fitted model pickles small and
        works in any process, and ``labels_.compute()`` reads no data.
    inertia_ : float
        Weighted sum of squared distances of the training samples to their closest centre.
    n_iter_ : int
        Number of Lloyd iterations of the best run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit (only when they are all strings).

    See Also
    --------
    sklearn.cluster.KMeans : in-memory k-means.

    Notes
    -----
    Unlike dask-ml's ``KMeans``, ``inertia_`` is the sum of *squared* distances, as in
    scikit-learn. Empty clusters are relocated to the points farthest from their centre, as
    scikit-learn does; centres are never NaN.

    Examples
    --------
    >>> import dask.array as da
    >>> from dask_scale.cluster import KMeans
    >>> X = da.random.default_rng(0).normal(size=(10_000, 4), chunks=(2_500, 4))
    >>> km = KMeans(n_clusters=3, random_state=0).fit(X)
    >>> km.cluster_centers_.shape
    (3, 4)
    """

    _parameter_constraints: dict = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions({"k-means||", "k-means++", "random"}), "array-like"],
        "oversampling_factor": [Interval(Real, 0, None, closed="neither")],
        "init_max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_init": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "algorithm": [StrOptions({"lloyd", "elkan", "full"}, deprecated={"full"})],
        "verbose": ["verbose"],
        "precompute_distances": [
            StrOptions({"auto"}), "boolean", Hidden(StrOptions({"deprecated"}))
        ],
        "copy_x": ["boolean", Hidden(StrOptions({"deprecated"}))],
        "n_jobs": [Integral, None, Hidden(StrOptions({"deprecated"}))],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        init="k-means||",
        oversampling_factor=2,
        init_max_iter=None,
        max_iter=300,
        tol=1e-4,
        n_init="auto",
        random_state=None,
        algorithm="lloyd",
        verbose=0,
        precompute_distances="deprecated",
        copy_x="deprecated",
        n_jobs="deprecated",
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.oversampling_factor = oversampling_factor
        self.init_max_iter = init_max_iter
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.random_state = random_state
        self.algorithm = algorithm
        self.verbose = verbose
        self.precompute_distances = precompute_distances
        self.copy_x = copy_x
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # in-memory sparse X is densified
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    # ----------------------------------------------------------------------------------------
    # fit
    # ----------------------------------------------------------------------------------------

    def _check_keywords(self):
        """Warn about dask-ml's keywords that have no effect here; reject Elkan's algorithm."""
        if self.algorithm == "elkan":
            raise ValueError(
                "algorithm='elkan' is not supported: Elkan's algorithm keeps per-sample "
                "distance bounds between passes, which a fit over row blocks does not hold. "
                "Use algorithm='lloyd' (the same clustering, computed by Lloyd's iterations)."
            )
        if self.algorithm == "full":
            warnings.warn(
                "algorithm='full' is Lloyd's algorithm under its old name (dask-ml's, and "
                "scikit-learn's before 1.1); use algorithm='lloyd'. 'full' will be removed.",
                FutureWarning,
                stacklevel=4,
            )
        no_effect = {
            "precompute_distances": (
                "distances are always computed block by block in the fused kernel"
            ),
            "copy_x": "X is never modified, as with copy_x=True",
            "n_jobs": (
                "the parallelism is the dask scheduler's: use "
                "dask.config.set(num_workers=...) or a dask.distributed Client"
            ),
        }
        for name, why in no_effect.items():
            if getattr(self, name) != "deprecated":
                warn_no_effect(self, name, why, removed=True, stacklevel=4)

    def _check_init_array(self, n_features, dtype):
        return check_init_array(self.init, self.n_clusters, n_features, dtype)

    def _n_runs(self):
        if isinstance(self.init, str):
            if self.n_init == "auto":
                return 10 if self.init == "random" else 1
            return self.n_init
        if self.n_init != "auto" and self.n_init != 1:
            warnings.warn(
                "Explicit initial center position passed: performing only one init in "
                f"{type(self).__name__} instead of n_init={self.n_init}.",
                RuntimeWarning,
                stacklevel=3,
            )
        return 1

    def _check_sizes(self, n_samples, total_weight):
        check_sizes(self.n_clusters, n_samples, total_weight)

    def _relative_tol(self, moments):
        n, _, m2 = moments
        if self.tol == 0 or n == 0:
            return 0.0
        return float(self.tol * np.mean(m2 / n))

    def fit(self, X, y=None, sample_weight=None):
        """Compute k-means clustering.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
            Training data. float32 data is processed in float32.
        y : Ignored
            Not used, present for API consistency.
        sample_weight : array-like or dask array of shape (n_samples,), default=None
            Weight of each sample (None: unit weights). Non-negative.

        Returns
        -------
        self : KMeans
            Fitted estimator.
        """
        with all_or_nothing(self):
            return self._fit(X, sample_weight)

    def _fit(self, X, sample_weight):
        self._validate_params()
        self._check_keywords()
        # the weights take X's dtype; frames X and weights are converted from one graph
        X, w = validate_data(
            self, X, dtype=_FLOATS, order="C", sample_weight=sample_weight, weight_dtype=None
        )
        dask_in = is_dask_array(X)
        affine = None
        scaled = affine_source(X) if dask_in else None
        if scaled is not None:
            # X is a scaler's lazy output: read its input, the kernels apply the scaling
            X, affine = scaled.source, (scaled.offset, scaled.factor)
        dtype = X.dtype
        k = self.n_clusters
        n_known = X.shape[0]
        if not np.isnan(n_known) and n_known < k:
            self._check_sizes(n_known, 1.0)
        if not dask_in and w is not None and not w.sum() > 0:
            self._check_sizes(n_known, 0.0)
        init_centres = None
        if not isinstance(self.init, str):
            init_centres = self._check_init_array(X.shape[1], dtype)
        n_runs = self._n_runs()
        rs = check_random_state(self.random_state)
        check_finite = {0: "X"} if dask_in else {}
        tol = None
        best = None
        for _ in range(n_runs):
            seed = int(rs.randint(np.iinfo(np.int32).max))
            if init_centres is None:
                centres, moments = self._init_centres(X, w, seed, check_finite, affine)
                check_finite = ()
                if tol is None:
                    tol = self._relative_tol(moments)
            else:
                centres = init_centres
            log = IterationLog(type(self).__name__, self.verbose, "inertia", total=self.max_iter)
            with log:
                result = lloyd(
                    X,
                    w,
                    centres.astype(dtype, copy=False),
                    max_iter=self.max_iter,
                    tol=tol,
                    moments_to_tol=self._tol_from_first_pass,
                    check_finite=check_finite,
                    log=log,
                    labels=True,
                    affine=affine,
                )
            check_finite = ()
            if not result.cluster_weight.sum() > 0.0:
                self._check_sizes(self.n_clusters, 0.0)
            if tol is None:
                tol = self._relative_tol(result.moments)
            if best is None or result.inertia < best.inertia:
                best = result
        distinct = int(np.count_nonzero(best.cluster_weight > 0))
        if distinct < k:
            warnings.warn(
                f"Number of distinct clusters ({distinct}) found smaller than n_clusters ({k}). "
                "Possibly due to duplicate points in X.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.cluster_centers_ = best.centres
        self.inertia_ = best.inertia
        self.n_iter_ = best.n_iter
        self._n_features_out = k
        blocks = best.labels
        if blocks is None:
            # the last iteration left the centres unchanged: its pass measured the final
            # centres but did not keep the labels (that would cost every pass 4 bytes a row)
            _, blocks = e_step(X, w, best.centres, labels=True, affine=affine)
        self.labels_ = _training_labels(blocks, dask_in)
        return self

    def _tol_from_first_pass(self, moments):
        # moments of the first Lloyd pass of an array ``init`` (no initialisation pass ran)
        n = moments[0]
        self._check_sizes(n, 1.0)
        return self._relative_tol(moments)

    def _init_centres(self, X, w, seed, check_finite, affine):
        total, unit = init_steps(self.init, self.n_clusters, self.init_max_iter)
        log = IterationLog(
            f"{type(self).__name__} init ({self.init})", self.verbose, "cost", total=total,
            unit=unit,
        )
        with log:
            return initial_centres(
                X, w, self.init, self.n_clusters, seed,
                oversampling_factor=self.oversampling_factor, n_rounds=self.init_max_iter,
                check_finite=check_finite, affine=affine, log=log,
                check_sizes=self._check_sizes,
            )

    # ----------------------------------------------------------------------------------------
    # predict / transform / score
    # ----------------------------------------------------------------------------------------

    def _check_test_data(self, X):
        check_is_fitted(self)
        frame = X if is_dask_frame(X) else None
        X = validate_data(self, X, reset=False, dtype=_FLOATS, order="C")
        return X, self.cluster_centers_.astype(X.dtype, copy=False), frame

    def _labels(self, X, centres, frame):
        """Closest centre of every row: NumPy, a lazy dask array, or for a dask DataFrame a
        lazy dask Series with its index (as the linear models and the wrappers give)."""
        return map_rows(
            labels_chunk, X, centres, out_dtype=np.int32, frame=frame, in_dtype=X.dtype
        )

    def predict(self, X):
        """Index of the closest cluster centre for each sample.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray, dask array or dask Series of shape (n_samples,), int32
            A lazy dask array for a dask array, a lazy dask Series with the input's index
            for a dask DataFrame.
        """
        X, centres, frame = self._check_test_data(X)
        return self._labels(X, centres, frame)

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit, then return the labels of ``X``.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : Ignored
        sample_weight : array-like or dask array of shape (n_samples,), default=None

        Returns
        -------
        labels : ndarray, dask array or dask Series of shape (n_samples,), int32
            ``labels_`` for NumPy input and for a dask array (already computed: reading it
            reads no data); for a dask DataFrame ``predict(X)``, a lazy dask Series with the
            input's index, with the same values as ``labels_``.
        """
        self.fit(X, sample_weight=sample_weight)
        if is_dask_frame(X):
            return self.predict(X)
        return self.labels_

    def transform(self, X):
        """Euclidean distances of each sample to every cluster centre.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)

        Returns
        -------
        distances : ndarray, dask array or dask DataFrame of shape (n_samples, n_clusters)
            dtype of ``X`` (float32 stays float32); lazy for dask input; for a dask
            DataFrame a dask DataFrame with the input's index and columns
            ``get_feature_names_out()`` (``kmeans0``, ``kmeans1``, ...).
        """
        X, centres, frame = self._check_test_data(X)
        return map_rows(
            distances_chunk, X, centres, out_dtype=X.dtype, n_out=self.n_clusters,
            frame=frame, in_dtype=X.dtype, columns=list(self.get_feature_names_out()),
        )

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit, then return the distances of ``X`` to the cluster centres.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : Ignored
        sample_weight : array-like or dask array of shape (n_samples,), default=None

        Returns
        -------
        distances : ndarray or dask array of shape (n_samples, n_clusters)
        """
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def score(self, X, y=None, sample_weight=None):
        """Opposite of the weighted SSE of ``X`` to the closest cluster centres.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : Ignored
        sample_weight : array-like or dask array of shape (n_samples,), default=None

        Returns
        -------
        score : float
            ``-sum(sample_weight * squared distance to the closest centre)``, computed now
            (one pass over dask input).
        """
        X, centres, _ = self._check_test_data(X)
        w = None if sample_weight is None else check_sample_weight(sample_weight, X, dtype=X.dtype)
        sse = reduce_blocks(
            sse_chunk,
            [X, w],
            (centres,),
            check_finite={0: "X"} if is_dask_array(X) else {},
            name="kmeans-score",
        )
        return -float(sse)
