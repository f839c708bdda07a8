"""benchmarks/bench_naive_bayes.py: registered as ``bench naive_bayes`` and in ``bench all``,
and a tiny run."""

import sys
from pathlib import Path

import pytest

from dask_scale.__main__ import main

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_naive_bayes

        yield bench_naive_bayes
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_registered_as_bench_naive_bayes(capsys, monkeypatch):
    # `bench` sets sys.argv and sys.path for the script: restore both afterwards
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    with pytest.raises(SystemExit) as exc:
        main(["bench", "naive_bayes", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--quick" in out and "--skip-dask-ml" in out


def test_tiny_run_records_every_workload_and_agrees_with_sklearn(bench, capsys):
    results = bench.main(["--rows", "3000", "--chunks", "3", "--repeat", "1", "--warm-gb", "0",
                          "--skip-dask-ml"])
    printed = capsys.readouterr().out
    assert results.name == "naive_bayes" and not results.quick
    assert results.workloads == [
        "GaussianNB, fit (attributes computed)",
        "GaussianNB, fit + predict computed",
        "BlockwiseVotingClassifier, fit (3 blocks)",
        "BlockwiseVotingClassifier, predict computed (hard vote)",
        "BlockwiseVotingClassifier, predict_proba computed (soft vote)",
    ]
    records = results.records
    assert all(r.ok for r in records)
    assert {r.library for r in records} == {"dask_scale", "scikit-learn"}  # dask-ml skipped
    ours = [r for r in records if r.library == "dask_scale"]
    assert len(ours) == 5 and all(r.vs_sklearn > 0 for r in ours)
    # the quality column: the same models as scikit-learn's (or the scikit-learn loop's)
    quality = {r.workload: r.quality for r in ours}
    theta = float(quality["GaussianNB, fit (attributes computed)"].split("theta_ ")[1].split(",")[0])
    assert theta < 1e-10
    assert quality["GaussianNB, fit + predict computed"].startswith("100.0000% ")
    assert quality["BlockwiseVotingClassifier, fit (3 blocks)"].endswith(" 0.0e+00")
    assert quality["BlockwiseVotingClassifier, predict computed (hard vote)"].startswith(
        "100.0000% "
    )
    assert quality[
        "BlockwiseVotingClassifier, predict_proba computed (soft vote)"
    ].endswith(" 0.0e+00")
    assert "Naive Bayes and blockwise ensembles" in printed


def test_listed_in_bench_all(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bench_all

    assert "naive_bayes" in bench_all.BENCHMARKS and "naive_bayes" in bench_all.TIMES_DASK_ML


def test_rel_is_relative_to_the_reference(bench):
    assert bench._rel([1.0, 2.0], [1.0, 4.0]) == pytest.approx(0.5)
    assert bench._rel([0.0], [0.0]) == 0.0
