"""benchmarks/bench_all.py and benchmarks/_results.py: one run writes the docs' tables."""

import re
import sys
from pathlib import Path

import pytest

from dask_scale.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"


@pytest.fixture
def results_module(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import _results

    return _results


def test_bench_all_writes_tables_environment_and_plot(tmp_path, monkeypatch, capsys):
    # `bench` sets sys.argv and sys.path for the script: restore both afterwards
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    out = tmp_path / "generated"
    main(["bench", "all", "--quick", "--only", "linear,logistic", "--skip-dask-ml",
          "--write", str(out)])
    printed = capsys.readouterr().out
    names = sorted(p.name for p in out.iterdir())
    assert names == ["environment.rst", "linear.json", "linear.rst", "logistic.json",
                     "logistic.rst", "ratios.png"]
    assert (out / "ratios.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    env = (out / "environment.rst").read_text()
    for key in ("CPU", "RAM", "Python", "NumPy", "dask", "scikit-learn", "dask-ml", "date"):
        assert f"* - {key}\n" in env
    assert "quick" in env and "--only linear,logistic" in env
    table = (out / "logistic.rst").read_text()
    assert "quick sizes" in table and ".. list-table::" in table
    # the written table holds the numbers the benchmark printed
    rows = re.findall(r"\n {2}(dask_scale lbfgs) +(\S+ m?s) +(\S+)", printed)
    assert rows, printed
    for row in rows:
        assert f"- {row[0]}\n     - {row[1]}\n     - {row[2]}\n" in table
    assert "dask-ml" not in table.split("quality, notes", 1)[1]  # --skip-dask-ml was passed on


def test_ratios_and_failures(results_module):
    r = results_module.Results("demo", "demo")
    r.add("w", "dask_scale a", 1.0, library="dask_scale")
    r.add("w", "scikit-learn", 4.0, library="scikit-learn")
    r.add_failure("w", "dask-ml", RuntimeError("boom\nmore"), library="dask-ml")
    r.add("v", "dask-ml x", 2.0, library="dask-ml")
    r.add("v", "dask_scale b", 3.0, library="dask_scale", dask_ml="dask-ml x")
    a, sk, dml, x, b = r.records
    assert a.vs_sklearn == pytest.approx(0.25) and sk.vs_sklearn == 1.0
    assert dml.error == "RuntimeError: boom" and not dml.ok
    assert a.vs_dask_ml != a.vs_dask_ml  # NaN: the dask-ml reference failed
    assert b.vs_dask_ml == pytest.approx(1.5) and b.vs_sklearn != b.vs_sklearn
    text = results_module.rst_table(r)
    assert "failed: RuntimeError: boom" in text and "0.25x" in text
    with pytest.raises(ValueError, match="no contender named"):
        r.add("v", "y", 1.0, dask_ml="nobody")
        r.records  # noqa: B018


def test_failing_benchmark_is_a_row_not_a_crash(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bench_all

    def boom(argv):
        raise SystemExit("child fit failed (1)")

    monkeypatch.setattr(__import__("bench_kmeans"), "main", boom)
    run = bench_all.run_one("kmeans", quick=True, skip_dask_ml=True)
    (record,) = run.records
    assert record.error == "SystemExit: child fit failed (1)"


def test_rst_text_escapes_markup(results_module):
    assert results_module.rst_text("best_params_ *x* `a` |b|") == (
        "best_params\\_ \\*x\\* \\`a\\` \\|b\\|"
    )


# -- docs/benchmarks.rst holds no hand-typed figure ------------------------------------------
#
# A figure is a measured number: a time (``0.6 s``, ``47 ms``), a ratio (``3.2x``), a memory
# size (``0.58 GB``) or any decimal number. None may appear in the page's own text (code
# blocks and ``literals`` left out: commands and parameter values), nor a table of its own:
# every table and figure comes from docs/_generated/ (written by ``bench all --write``).

FIGURE = re.compile(
    r"\d[\d,]*(\.\d+)?\s*(s|ms|sec|seconds|minutes|GB|MB|GiB|MiB|x|%|times)\b"
    r"|\d+\.\d+"
)


def _prose(text):
    text = re.sub(r"``[^`]*``", "", text)
    out, in_block = [], False
    for line in text.splitlines():
        if in_block and (not line.strip() or line.startswith((" ", "\t"))):
            continue
        in_block = False
        if re.match(r"\s*\.\. (code-block|include|image|figure)::", line) or line.endswith("::"):
            in_block = True
            continue
        out.append(line)
    return "\n".join(out)


def test_hand_typed_figure_detector():
    assert FIGURE.search(_prose("dask_scale took 0.617 s"))
    assert FIGURE.search(_prose("it was 3.2x faster"))
    assert FIGURE.search(_prose("a peak of 1 GB"))
    assert not FIGURE.search(_prose("``--repeat 3`` and\n\n.. code-block:: bash\n\n    x 2.5 s\n"))
    assert not FIGURE.search(_prose("one pass per iteration"))


def test_benchmarks_page_has_no_hand_typed_figure():
    text = (ROOT / "docs" / "benchmarks.rst").read_text()
    prose = _prose(text)
    found = [m.group(0) for m in FIGURE.finditer(prose)]
    assert not found, f"hand-typed figures in docs/benchmarks.rst: {found}"
    assert "list-table" not in text and not re.search(r"^\s*\+[-=+]+\+\s*$", text, re.M)
    assert ".. include:: _generated/environment.rst" in text
    assert ".. image:: _generated/ratios.png" in text
    for name in re.findall(r"\.\. include:: _generated/(\w+)\.rst", text):
        assert (ROOT / "docs" / "_generated" / f"{name}.rst").exists(), name
