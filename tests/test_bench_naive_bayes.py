"""benchmarks/bench_naive_bayes.py: registered as ``bench naive_bayes``, and a tiny run."""

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
    assert "--quick" in out and "--no-dask-ml" in out


def test_tiny_run_prints_every_row_and_agrees_with_sklearn(bench, capsys):
    bench.main(["--rows", "3000", "--chunks", "3", "--repeat", "1", "--warm-gb", "0",
                "--no-dask-ml"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("rows=3,000 x 20 float64 in 3 persisted blocks")
    rows = {line.split("  ")[0].strip(): line for line in lines[1:]}
    assert set(rows) == {
        "GaussianNB fit", "GaussianNB fit + predict", "BlockwiseVoting fit (3 blocks)",
        "BlockwiseVoting predict (hard)", "BlockwiseVoting predict_proba (soft)",
    }
    assert all("scikit-learn" in line and "/dask_scale" in line for line in rows.values())
    assert "dask-ml" not in "\n".join(lines)
    # the quality columns: the same model as scikit-learn's (or the scikit-learn loop's)
    assert "same predictions as sklearn (dask_scale) 100.0000%" in rows["GaussianNB fit + predict"]
    assert "same votes as the loop (dask_scale) 100.0000%" in rows["BlockwiseVoting predict (hard)"]
    assert "clone coef rel diff vs loop (dask_scale) 0.0e+00" in rows["BlockwiseVoting fit (3 blocks)"]
    theta = float(rows["GaussianNB fit"].split("theta rel diff (dask_scale) ")[1].split()[0])
    assert theta < 1e-10


def test_rel_is_relative_to_the_reference(bench):
    assert bench._rel([1.0, 2.0], [1.0, 4.0]) == pytest.approx(0.5)
    assert bench._rel([0.0], [0.0]) == 0.0
