"""Sphinx configuration for dask_scale (numpydoc docstrings, autosummary API pages).

Build (from the repository root, output outside the tree)::

    pip install -e ".[docs]"
    sphinx-build -W -b html docs /tmp/docs_build

``api.rst`` lists every public object; autosummary writes one stub page per object into
``docs/generated/`` (ignored by git, see ``docs/.gitignore``) from the templates in
``docs/_templates/autosummary``, and autodoc fills the pages from the docstrings.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

# Document the checkout these docs belong to, installed or not.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dask_scale  # noqa: E402

project = "dask_scale"
author = "dask_scale developers"
copyright = "dask_scale developers"
version = release = dask_scale.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
]

source_suffix = {".rst": "restructuredtext"}
master_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "_generated"]  # included snippets
# `text` is code, as in scikit-learn's docstrings (e.g. shapes like (`n_features_in_`,)).
default_role = "literal"
html_theme = "alabaster"
html_theme_options = {"description": "scikit-learn estimators, block by block on dask"}

# -- API pages ----------------------------------------------------------------------------
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "groupwise"}
# numpydoc renders the Parameters/Attributes sections; the class template lists the methods.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True

# -- links to the projects users come from ------------------------------------------------
INTERSPHINX = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "sklearn": ("https://scikit-learn.org/stable", None),
    "dask": ("https://docs.dask.org/en/stable", None),
    "distributed": ("https://distributed.dask.org/en/stable", None),
}


def _online(host="docs.python.org", port=443, timeout=3.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# Offline (a sandbox, an air-gapped CI) the inventories cannot be fetched and every one would
# be a warning, which ``-W`` turns into an error. The links are then left out; set
# DASK_SCALE_DOCS_INTERSPHINX=1 to insist on them, =0 to skip them.
_want = os.environ.get("DASK_SCALE_DOCS_INTERSPHINX", "auto").lower()
if _want in {"1", "true", "yes"} or (_want == "auto" and _online()):
    intersphinx_mapping = INTERSPHINX
else:
    intersphinx_mapping = {}
