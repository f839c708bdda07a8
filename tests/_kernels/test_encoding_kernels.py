"""One-hot fill kernel of dask_scale._kernels.encoding."""

import numpy as np
import pytest

from dask_scale._kernels.encoding import onehot_fill


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int8, np.bool_])
def test_onehot_fill_writes_every_entry_of_every_row(dtype):
    # feature 0: distinct values (a, b) -> columns (1, -1: dropped), missing -> column 0;
    # feature 1: distinct values (u, v, w) -> columns (2, 3, -1: unknown), missing -> -1
    factors = np.array([[0, 1, -1, 0], [2, 0, 1, -1]], dtype=np.int64)
    maps = np.array([0, 1, -1, -1, 2, 3, -1], dtype=np.int64)
    starts = np.array([0, 3], dtype=np.int64)
    out = np.full((4, 4), 7, dtype=dtype)  # garbage on entry: every entry is written
    onehot_fill(factors, maps, starts, out)
    expected = np.array([[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1], [0, 1, 0, 0]])
    np.testing.assert_array_equal(out, expected.astype(dtype))
