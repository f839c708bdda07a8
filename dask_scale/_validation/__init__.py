"""Input checks and conversions shared by every estimator.

NumPy and pandas input goes through scikit-learn's own validation, so error messages and
fitted attributes (``n_features_in_``, ``feature_names_in_``) are exactly scikit-learn's.
Dask input is checked lazily: shape, dtype and feature-count checks use metadata only, and no
check here forces a pass over the data. NaN/inf in dask input is caught in the first pass the
estimator makes anyway (``check_finite`` of :func:`dask_scale._graph.reduce_blocks`, or
:func:`dask_scale._graph.map_rows`), with a clear error. That check and its message are
:func:`reject_nonfinite` and :func:`nonfinite_message`, defined with the reductions (which
cannot import this package) and re-exported here for the estimators.

One job a module:

- :mod:`.frames`: dask DataFrame/Series -> dask array (numeric dtypes as scikit-learn gives
  them; X, y and weights of one fit from one graph). The only place that calls
  ``to_dask_array``.
- :mod:`.arrays`: :func:`check_array` and :func:`check_table` (dimensions, dtype, host
  memory), :func:`ensure_known_chunks`, :func:`dense_blocks_unless_accepted`, in-memory sparse
  input densified (:func:`densify_accepted_sparse`) and outputs made sparse again
  (:func:`sparse_output_like`).
- :mod:`.targets`: :func:`check_y`, :func:`check_consistent_rows`,
  :func:`check_sample_weight`, in-memory ``X`` split like a dask ``y``.
- :mod:`.features`: ``n_features_in_`` / ``feature_names_in_`` set and checked,
  :func:`check_input_features`.
- :mod:`.errors`: the "0 samples" error (:func:`no_samples_error`, :func:`check_n_rows`);
  the warning for a parameter without effect (:func:`warn_no_effect`).
- :mod:`.validate`: :func:`validate_data`, the estimators' entry point for ``X`` (and ``y``,
  ``sample_weight``).
"""

from .._graph.reduction import nonfinite_message, reject_nonfinite
from .._types import is_dask_array, is_dask_collection, is_dask_frame
from .arrays import (
    FLOAT_DTYPES,
    check_array,
    check_table,
    dense_blocks_unless_accepted,
    densify_accepted_sparse,
    densify_block,
    ensure_known_chunks,
    sparse_output_like,
)
from .errors import (
    EMPTY_INPUT_HINT,
    check_n_rows,
    inconsistent_lengths_error,
    no_effect_message,
    no_samples_error,
    warn_no_effect,
)
from .features import check_input_features, reraise_feature_names_error
from .frames import as_dask_array, frame_to_dask_array, frames_to_dask_arrays, non_numeric_message
from .targets import check_consistent_rows, check_sample_weight, check_y
from .validate import validate_data

__all__ = [
    "EMPTY_INPUT_HINT",
    "FLOAT_DTYPES",
    "as_dask_array",
    "check_array",
    "check_consistent_rows",
    "check_input_features",
    "check_n_rows",
    "check_sample_weight",
    "check_table",
    "check_y",
    "dense_blocks_unless_accepted",
    "densify_accepted_sparse",
    "densify_block",
    "inconsistent_lengths_error",
    "ensure_known_chunks",
    "frame_to_dask_array",
    "frames_to_dask_arrays",
    "is_dask_array",
    "is_dask_collection",
    "is_dask_frame",
    "no_effect_message",
    "no_samples_error",
    "non_numeric_message",
    "nonfinite_message",
    "reject_nonfinite",
    "reraise_feature_names_error",
    "sparse_output_like",
    "validate_data",
    "warn_no_effect",
]
