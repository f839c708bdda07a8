"""The documentation builds without a warning (``sphinx-build -W``), as docs/conf.py says.

A docstring that numpydoc or docutils cannot read (say a fitted-attribute name such as
``n_features_in_`` left unquoted in a shape, which reStructuredText takes for a link) fails
here rather than on the next person who builds the docs.
"""

import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.slow
def test_sphinx_build_has_no_warnings(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert res.returncode == 0, (res.stdout + res.stderr)[-4000:]
    assert (tmp_path / "html" / "index.html").exists()
    assert (tmp_path / "html" / "benchmarks.html").exists()
    # the example notebooks, rendered with their stored outputs
    page = (tmp_path / "html" / "examples" / "kmeans_delayed_blocks.html").read_text()
    assert "adjusted Rand index: 1.000" in page
