"""The code examples of docs/search_routes.rst run as printed.

Each ``.. code-block:: python`` of the page is self-contained; it runs here in a fresh
namespace. An example that imports a name of ``dask_scale.model_selection`` which does not
exist (yet) is skipped, saying which name.
"""

import contextlib
import importlib
import io
import re
import textwrap
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "search_routes.rst"


def _examples():
    text = PAGE.read_text()
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:(?: {4}.*)?\n)+)", text)
    return [textwrap.dedent(b) for b in blocks]


EXAMPLES = _examples()


def test_page_has_examples_of_each_route():
    code = "\n".join(EXAMPLES)
    assert len(EXAMPLES) >= 4
    assert 'parallel_backend("dask", scatter=[X, y])' in code
    for name in ("GridSearchCV", "HyperbandSearchCV"):
        assert f"from dask_scale.model_selection import {name}" in code


def _missing_names(code):
    missing = []
    for names in re.findall(r"from dask_scale\.model_selection import ([\w, ]+)", code):
        for name in (n.strip() for n in names.split(",")):
            try:
                module = importlib.import_module("dask_scale.model_selection")
            except ImportError:
                missing.append(name)
                continue
            if not hasattr(module, name):
                missing.append(name)
    return missing


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_example_runs(index):
    code = EXAMPLES[index]
    missing = _missing_names(code)
    if missing:
        pytest.skip(f"dask_scale.model_selection has no {', '.join(missing)} yet")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"{PAGE.name} example {index}", "exec"), {})  # noqa: S102
    if "print(" in code:
        assert out.getvalue().strip(), "the example printed nothing"
