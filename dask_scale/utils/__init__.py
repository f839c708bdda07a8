"""Public helpers, at dask-ml's module path (``from dask_scale.utils import check_array``).

Each works on NumPy and pandas input as scikit-learn's helper of the same name does, and on
dask arrays and DataFrames lazily (no pass over the data is forced):

- input checks: :func:`check_array`, :func:`check_X_y`, :func:`check_chunks`,
  :func:`check_consistent_length`, :func:`check_matching_blocks`, :func:`slice_columns`,
  :func:`is_frame_base`;
- numerics: :func:`handle_zeros_in_scale`, :func:`row_norms`, :func:`svd_flip`,
  :func:`flip_vector_signs`;
- random states: :func:`check_random_state`, :func:`draw_seed`;
- estimators: :func:`assert_estimator_equal`, :func:`copy_learned_attributes`,
  :func:`all_estimators`.
"""

from ._checks import (
    check_array,
    check_chunks,
    check_consistent_length,
    check_matching_blocks,
    check_X_y,
    is_frame_base,
    slice_columns,
)
from ._estimators import all_estimators, assert_estimator_equal, copy_learned_attributes
from ._extmath import flip_vector_signs, handle_zeros_in_scale, row_norms, svd_flip
from ._random import check_random_state, draw_seed

__all__ = [
    "all_estimators",
    "assert_estimator_equal",
    "check_X_y",
    "check_array",
    "check_chunks",
    "check_consistent_length",
    "check_matching_blocks",
    "check_random_state",
    "copy_learned_attributes",
    "draw_seed",
    "flip_vector_signs",
    "handle_zeros_in_scale",
    "is_frame_base",
    "row_norms",
    "slice_columns",
    "svd_flip",
]
