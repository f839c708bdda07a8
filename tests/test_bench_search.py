"""benchmarks/bench_search.py: its command line and its pure helpers (no benchmark runs here)."""

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from dask_scale.__main__ import main

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_search

        yield bench_search
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_registered_as_bench_search(capsys, monkeypatch):
    # `bench` sets sys.argv and sys.path for the script: restore both afterwards
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    with pytest.raises(SystemExit) as exc:
        main(["bench", "search", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--quick" in out and "--only" in out


def test_only_rejects_unknown_workloads(bench, capsys):
    with pytest.raises(SystemExit) as exc:
        bench.main(["--only", "W1,W9"])
    assert exc.value.code == 2
    assert "W1, W2, W3, W4, W5" in capsys.readouterr().err
    assert bench._selection("w3, W1") == ["W3", "W1"]


def test_synthetic_documents_reproducible(bench):
    docs, y = bench.synthetic_documents(50, seed=3)
    again, y_again = bench.synthetic_documents(50, seed=3)
    other, _ = bench.synthetic_documents(50, seed=4)
    assert list(docs) == list(again)
    np.testing.assert_array_equal(y, y_again)
    assert list(docs) != list(other)
    assert set(np.unique(y)) == {0, 1}
    assert all(30 <= len(d.split()) <= 120 for d in docs)


def test_same_best_distinguishes_ties(bench):
    ref = bench.Row("ref", 1.0, SimpleNamespace(
        best_params_={"C": 1.0}, best_score_=0.9,
        cv_results_={"params": [{"C": 0.1}, {"C": 1.0}, {"C": 10.0}],
                     "mean_test_score": np.array([0.9, 0.9, 0.8])},
    ))

    def row(c):
        return bench.Row("x", 1.0, SimpleNamespace(best_params_={"C": c}))

    assert bench._same_params(row(np.float64(1.0)), ref) == "yes"
    assert bench._same_params(row(0.1), ref) == "tie"
    assert bench._same_params(row(10.0), ref) == "NO"
    assert bench._same_params(bench.Row("failed"), ref) == "-"


def test_failures_are_rows_not_crashes(bench):
    def boom():
        raise RuntimeError("Attempting to use an asynchronous Client in a synchronous context")

    row = bench.attempt("dask-ml HyperbandSearchCV", boom)
    assert not row.ok and row.note.startswith("failed: RuntimeError: Attempting")
    missing = bench.attempt("x", None, None, "dask_scale.model_selection.Nope")
    assert not missing.ok and "not available" in missing.note
    assert bench.optional("dask_scale", "no_such_name") is None
