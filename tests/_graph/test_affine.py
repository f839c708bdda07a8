"""The registry of lazy affine transforms (dask_scale._graph.affine)."""

from __future__ import annotations

import gc

import dask.array as da
import numpy as np
import pytest

from dask_scale._graph import affine as affine_mod
from dask_scale._graph import affine_source, link_affine, register_affine


def _pair(seed=0, n=40, d=3):
    X = da.from_array(np.random.default_rng(seed).normal(size=(n, d)), chunks=10)
    return X, X.map_blocks(np.negative, dtype=X.dtype)


def test_registered_output_names_its_source_and_map():
    X, out = _pair()
    offset, factor = np.array([1.0, 2.0, 3.0]), np.array([0.5, 1.0, 2.0])
    assert register_affine(out, X, offset, factor) is out
    entry = affine_source(out)
    assert entry.source is X
    np.testing.assert_array_equal(entry.offset, offset)
    np.testing.assert_array_equal(entry.factor, factor)
    # the registry keeps copies, read-only; the caller's arrays stay writeable
    assert not entry.offset.flags.writeable and offset.flags.writeable
    assert affine_source(X) is None


def test_missing_parameters_are_identity_in_the_source_dtype():
    X, out = _pair()
    X32 = X.astype(np.float32)
    out32 = X32.map_blocks(np.negative, dtype=np.float32)
    register_affine(out32, X32, None, None)
    entry = affine_source(out32)
    np.testing.assert_array_equal(entry.offset, np.zeros(3, np.float32))
    np.testing.assert_array_equal(entry.factor, np.ones(3, np.float32))
    assert entry.offset.dtype == entry.factor.dtype == np.float32


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_maps_are_not_recorded(bad):
    # a NaN parameter makes the transform's column NaN; folding would not
    X, out = _pair()
    register_affine(out, X, np.array([0.0, bad, 0.0]), None)
    assert affine_source(out) is None
    register_affine(out, X, None, np.array([1.0, 1.0, bad]))
    assert affine_source(out) is None


def test_only_the_registered_object_is_recognised():
    # a persisted copy (same name, blocks in memory) is not folded: reading it is cheaper
    X, out = _pair()
    register_affine(out, X, None, None)
    kept = out.persist(scheduler="sync")
    assert kept.name == out.name
    assert affine_source(kept) is None
    assert affine_source(out + 0) is None
    assert affine_source(np.asarray(out)) is None


def test_entries_go_with_their_output():
    X, out = _pair()
    register_affine(out, X, None, None)
    key = id(out)
    assert key in affine_mod._ENTRIES
    del out
    gc.collect()
    assert key not in affine_mod._ENTRIES


def test_registry_is_bounded(monkeypatch):
    monkeypatch.setattr(affine_mod, "MAX_ENTRIES", 3)
    X, _ = _pair()
    outs = [X.map_blocks(np.negative, dtype=X.dtype, token=f"o{i}") for i in range(5)]
    for o in outs:
        register_affine(o, X, None, None)
    assert len(affine_mod._ENTRIES) <= 3
    assert affine_source(outs[0]) is None  # the oldest are forgotten first
    assert affine_source(outs[-1]) is not None


def test_source_must_still_match_the_output():
    X, _ = _pair()
    other = da.from_array(np.ones((40, 3)), chunks=20)  # other row blocks
    out = X.map_blocks(np.negative, dtype=X.dtype)
    register_affine(out, other, None, None)
    assert affine_source(out) is None
    with pytest.raises(ValueError, match="internal"):
        register_affine(out, X, np.zeros(2), None)


def test_link_shares_the_entry_of_a_converted_collection():
    X, out = _pair()
    register_affine(out, X, np.ones(3), None)
    converted = out.map_blocks(np.asarray, dtype=out.dtype)
    assert link_affine(converted, out) is converted
    assert affine_source(converted).source is X
    unrelated = X.map_blocks(np.asarray, dtype=X.dtype)
    link_affine(unrelated, X)  # X itself is no transform: nothing to share
    assert affine_source(unrelated) is None
