"""dask_scale preprocessing in front of ``xgboost.dask``: docs/xgboost.rst, run as printed.

The ``.. code-block:: python`` examples of the page run in order in one namespace, on the
in-process LocalCluster the first example starts (2 workers x 1 thread). The tests then
compare what they built with the same pipeline on the pandas frame with XGBoost's
in-memory ``XGBClassifier`` and with scikit-learn's ``GridSearchCV``. Skipped when xgboost
is not installed (it is in the ``test`` extra as ``xgboost-cpu``), except the check that
dask_scale never imports it.
"""

import contextlib
import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "xgboost.rst"


def _examples():
    text = PAGE.read_text()
    blocks = re.findall(r"\.\. code-block:: python\n\n((?:(?: {4}.*)?\n)+)", text)
    return [textwrap.dedent(b) for b in blocks]


EXAMPLES = _examples()


@pytest.fixture(scope="module")
def page():
    """The namespace of the page's examples after running them all, and what they printed."""
    pytest.importorskip("xgboost")
    namespace = {}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            for index, code in enumerate(EXAMPLES):
                exec(compile(code, f"{PAGE.name} example {index}", "exec"), namespace)  # noqa: S102
        namespace["_printed"] = out.getvalue()
        yield namespace
    finally:
        if "client" in namespace:
            namespace["client"].close()
        if "cluster" in namespace:
            namespace["cluster"].close()


def _in_memory_pipeline(ns, estimator):
    from sklearn.pipeline import Pipeline

    return Pipeline([("prep", ns["preprocessing"]()), ("xgb", estimator)])


def test_page_shows_pipeline_and_search():
    code = "\n".join(EXAMPLES)
    assert len(EXAMPLES) == 3
    assert "from xgboost.dask import DaskXGBClassifier" in code
    assert "from dask_scale.model_selection import GridSearchCV" in code
    assert "from dask_scale.compose import make_column_transformer" in code


@pytest.mark.distributed
def test_examples_print_their_results(page):
    printed = page["_printed"]
    assert "training accuracy" in printed and "best {" in printed


@pytest.mark.distributed
def test_pipeline_output_is_dask_and_fitted_on_the_cluster(page):
    import dask.array as da
    import dask.dataframe as dd
    from xgboost.dask import DaskXGBClassifier

    model, df = page["model"], page["df"]
    assert isinstance(model["xgb"], DaskXGBClassifier)
    # the preprocessing hands xgboost a dask DataFrame with the input's partitions
    Xt = model["prep"].transform(df)
    assert isinstance(Xt, dd.DataFrame) and Xt.divisions == df.divisions
    assert list(Xt.columns) == list(model["prep"].get_feature_names_out())
    assert isinstance(page["proba"], da.Array)
    assert isinstance(model.predict(df), (da.Array, dd.Series))


@pytest.mark.distributed
def test_pipeline_equals_in_memory_xgboost(page):
    # 2,000 rows: the distributed hist sketch gives the in-memory cut points, so the models
    # agree to float32 rounding (measured: max |diff| <= 1.2e-7 over 4 seeds; at 6,000 rows
    # the sketches differ and so do the trees, see docs/xgboost.rst)
    from xgboost import XGBClassifier

    client = page["client"]
    proba = client.compute(page["proba"]).result()
    ref = _in_memory_pipeline(page, XGBClassifier(**page["params"]))
    ref.fit(page["frame"], page["labels"])
    expected = ref.predict_proba(page["frame"])
    assert proba.shape == expected.shape == (len(page["frame"]), 2)
    np.testing.assert_allclose(proba, expected, rtol=0, atol=1e-6)
    # and the preprocessing equals scikit-learn's on the pandas frame
    np.testing.assert_allclose(
        page["model"]["prep"].named_transformers_["standardscaler"].mean_,
        page["frame"][["age", "income"]].mean().to_numpy(), rtol=1e-12,
    )


@pytest.mark.distributed
def test_refit_gives_the_same_model(page):
    from sklearn.base import clone

    client = page["client"]
    again = clone(page["model"]).fit(page["df"], page["y"])
    first, second = client.compute([page["proba"], again.predict_proba(page["df"])], sync=True)
    np.testing.assert_array_equal(first, second)


@pytest.mark.distributed
def test_search_finds_scikit_learns_best_params(page):
    from sklearn.model_selection import GridSearchCV
    from xgboost import XGBClassifier
    from xgboost.dask import DaskXGBClassifier

    search = page["search"]
    ref = GridSearchCV(
        _in_memory_pipeline(page, XGBClassifier(**page["params"])), page["grid"], cv=3
    ).fit(page["frame"], page["labels"])
    assert search.best_params_ == ref.best_params_
    assert list(search.cv_results_["params"]) == ref.cv_results_["params"]
    # the same folds and fits: the same scores (to rounding of the mean)
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"],
        rtol=0, atol=1e-12,
    )
    assert len(set(np.round(ref.cv_results_["mean_test_score"], 12))) > 1  # not all tied
    # the final dask model has the best parameters
    final = page["final"]
    assert isinstance(final["xgb"], DaskXGBClassifier)
    best = {k.removeprefix("xgb__"): v for k, v in search.best_params_.items()}
    assert {k: final["xgb"].get_params()[k] for k in best} == best


@pytest.mark.distributed
def test_adaptive_searches_refuse_xgboost(page):
    import dask.array as da
    from xgboost import XGBClassifier

    from dask_scale.model_selection import (
        HyperbandSearchCV,
        IncrementalSearchCV,
        SuccessiveHalvingSearchCV,
    )

    X = da.ones((20, 2), chunks=10)
    y = da.zeros(20, chunks=10, dtype=int)
    for search in (
        HyperbandSearchCV(XGBClassifier(), {"max_depth": [2, 3]}, max_iter=3),
        SuccessiveHalvingSearchCV(XGBClassifier(), {"max_depth": [2, 3]}),
        IncrementalSearchCV(XGBClassifier(), {"max_depth": [2, 3]}),
    ):
        with pytest.raises(ValueError, match="must be an object implementing 'partial_fit'"):
            search.fit(X, y)


@pytest.mark.distributed
def test_dask_estimator_inside_search_fails_as_documented(page):
    # the page says: DaskXGBClassifier is handed each fold in memory, and refuses it
    from xgboost.dask import DaskXGBClassifier

    from dask_scale.model_selection import GridSearchCV

    search = GridSearchCV(
        _in_memory_pipeline(page, DaskXGBClassifier(**page["params"])),
        {"xgb__max_depth": [2]}, cv=2,
    )
    with pytest.raises(TypeError, match=r"Expecting .*Got <class 'numpy.ndarray'>"):
        search.fit(page["df"], page["y"])


def test_dask_scale_never_imports_xgboost():
    # every module of the package imported in a fresh interpreter, then neither library loaded
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        import dask_scale
        names = [m.name for m in pkgutil.walk_packages(dask_scale.__path__, "dask_scale.")]
        for name in names:
            if name != "dask_scale.__main__":
                importlib.import_module(name)
        assert "dask_scale.model_selection" in sys.modules and len(names) > 20, names
        print(sorted(m for m in ("xgboost", "lightgbm") if m in sys.modules))
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env,
        timeout=120, check=False,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    assert res.stdout.strip().splitlines()[-1] == "[]"
