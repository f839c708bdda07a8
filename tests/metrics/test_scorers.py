"""dask_scale.metrics scorers: scikit-learn's scores, dask input scored blockwise."""

import dask.array as da
import numpy as np
import pytest
import sklearn.metrics as skm
from _metrics_data import as_kind, raise_if_computed
from dask.delayed import Delayed
from sklearn.linear_model import LinearRegression as SkLinear
from sklearn.linear_model import LogisticRegression as SkLogistic
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler as SkScaler

import dask_scale.metrics as M
from dask_scale.linear_model import LogisticRegression

CLASSIFICATION = [n for n in M.SCORERS if not n.startswith(("neg_", "r2"))]
REGRESSION = [n for n in M.SCORERS if n.startswith(("neg_m", "neg_r", "r2"))]


@pytest.fixture(scope="module")
def clf():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int)
    y3 = np.digitize(X[:, 1] + 0.5 * rng.normal(size=300), [-0.5, 0.5])
    return X, y, y3, rng.random(300)


def test_registry_names():
    assert set(M.SCORERS) <= set(skm.get_scorer_names())
    assert M.get_scorer_names() == sorted(skm.get_scorer_names())
    for name in ("accuracy", "r2", "neg_log_loss", "roc_auc", "f1_macro", "precision_weighted",
                 "recall_micro", "balanced_accuracy", "neg_root_mean_squared_error"):
        assert name in M.SCORERS
    with pytest.raises(ValueError, match="not a valid scoring value"):
        M.get_scorer("not-a-scorer")


def test_numpy_input_is_sklearn_exactly(clf):
    X, y, y3, w = clf
    est = SkLogistic().fit(X, y3)
    for name in CLASSIFICATION:
        if name in ("roc_auc", "precision", "recall", "f1", "jaccard"):
            continue  # binary only
        assert M.get_scorer(name)(est, X, y3) == skm.get_scorer(name)(est, X, y3), name
    reg = SkLinear().fit(X, np.abs(X[:, 0]))
    for name in REGRESSION:
        yr = np.abs(X[:, 0]) + 0.1
        assert M.get_scorer(name)(reg, X, yr, sample_weight=w) == (
            skm.get_scorer(name)(reg, X, yr, sample_weight=w)
        ), name


def test_dask_input_equals_sklearn(clf):
    X, y, y3, w = clf
    Xd, wd = as_kind(X, "dask"), as_kind(w, "dask")
    for target in (y, y3):
        # a plain scikit-learn estimator: its methods mapped over the blocks
        est = SkLogistic().fit(X, target)
        for name in CLASSIFICATION:
            if target is y3 and name in ("roc_auc", "precision", "recall", "f1", "jaccard"):
                continue
            # scikit-learn's one-vs-one AUC takes no sample_weight
            kw, kw_d = ({}, {}) if "ovo" in name else ({"sample_weight": w},
                                                      {"sample_weight": wd})
            got = M.get_scorer(name)(est, Xd, as_kind(target, "dask"), **kw_d)
            want = skm.get_scorer(name)(est, X, target, **kw)
            assert got == pytest.approx(want, rel=1e-10), name
    yr = np.abs(X[:, 0]) + 0.1
    pipe = make_pipeline(SkScaler(), SkLinear()).fit(X, yr)
    for name in REGRESSION:
        got = M.get_scorer(name)(pipe, Xd, as_kind(yr, "dask"))
        assert got == pytest.approx(skm.get_scorer(name)(pipe, X, yr), rel=1e-10), name


@pytest.mark.parametrize("target", ["binary", "multiclass"])
def test_dask_scale_estimator_on_frames(clf, target):
    X, y, y3, w = clf
    t = y if target == "binary" else y3
    # a dask_scale estimator answers dask input lazily by itself; DataFrame input
    ds = LogisticRegression(penalty=None).fit(X, t)
    Xf, tf, wf = as_kind(X, "frame"), as_kind(t, "frame"), as_kind(w, "frame")
    names = ["roc_auc" if target == "binary" else "roc_auc_ovr", "neg_log_loss", "f1_macro",
             "accuracy"]
    for name in names:
        got = M.get_scorer(name)(ds, Xf, tf, sample_weight=wf)
        want = skm.get_scorer(name)(ds, X, t, sample_weight=w)
        assert got == pytest.approx(want, rel=1e-10), name


def test_compute_false_and_laziness(clf):
    X, y, _, _ = clf
    est = SkLogistic().fit(X, y)
    Xd = as_kind(X, "dask").map_blocks(raise_if_computed, dtype=float)
    for name in ("roc_auc", "neg_log_loss", "f1_macro", "accuracy"):
        lazy = M.get_scorer(name, compute=False)(est, Xd, y)
        assert isinstance(lazy, Delayed), name
    lazy = M.get_scorer("neg_log_loss")(est, as_kind(X, "dask"), y, compute=False)
    assert lazy.compute() == pytest.approx(skm.get_scorer("neg_log_loss")(est, X, y), rel=1e-12)


def test_other_names_make_scorer_and_check_scoring(clf):
    X, y, y3, _ = clf
    est = SkLogistic().fit(X, y3)
    Xd, yd = as_kind(X, "dask"), as_kind(y3, "dask")
    # not blockwise: the responses computed blockwise and concatenated, then sklearn's
    assert "top_k_accuracy" not in M.SCORERS
    got = M.get_scorer("top_k_accuracy")(est, Xd, yd)
    assert got == pytest.approx(skm.get_scorer("top_k_accuracy")(est, X, y3), rel=1e-12)
    with pytest.warns(UserWarning, match="computed now"):
        M.get_scorer("top_k_accuracy")(est, Xd, yd, compute=False)
    # a scikit-learn metric with a blockwise twin is scored blockwise
    scorer = M.make_scorer(skm.fbeta_score, beta=2, average="macro")
    lazy = scorer(est, Xd.map_blocks(raise_if_computed, dtype=float), y3, compute=False)
    assert isinstance(lazy, Delayed)
    want = skm.make_scorer(skm.fbeta_score, beta=2, average="macro")(est, X, y3)
    assert scorer(est, Xd, yd) == pytest.approx(want, rel=1e-12)
    assert scorer(est, X, y3) == want
    loss = M.make_scorer(M.log_loss, response_method="predict_proba", greater_is_better=False)
    assert loss(est, Xd, yd) == pytest.approx(-skm.log_loss(y3, est.predict_proba(X)), rel=1e-12)
    # check_scoring: None is the estimator's score (accuracy, blockwise on dask input)
    assert M.check_scoring(est)(est, Xd, yd) == pytest.approx(est.score(X, y3), rel=1e-12)
    multi = M.check_scoring(est, ["accuracy", "f1_macro"])(est, Xd, yd)
    assert multi["f1_macro"] == pytest.approx(skm.get_scorer("f1_macro")(est, X, y3))
    def custom(e, X_, y_):
        return 1.0
    assert M.check_scoring(est, custom) is custom
    with pytest.raises(TypeError, match="should have a 'score' method"):
        M.check_scoring(object())
    assert M.check_scoring(object(), allow_none=True) is None


def test_known_chunk_alignment(clf):
    X, y, _, _ = clf
    est = SkLogistic().fit(X, y)
    # y in memory, X a dask array: y is split like X
    got = M.get_scorer("roc_auc")(est, da.from_array(X, chunks=(77, 2)), y)
    assert got == pytest.approx(skm.get_scorer("roc_auc")(est, X, y), rel=1e-12)


def test_dask_ml_submodule_paths():
    import importlib

    for path in ("regression", "classification", "pairwise", "scorer"):
        module = importlib.import_module(f"dask_scale.metrics.{path}")
        assert module.__all__ and "dask-ml" in module.__doc__
        for name in module.__all__:
            assert getattr(module, name) is getattr(M, name), (path, name)


def test_scorers_and_metrics_on_a_distributed_client(client, unique_task_keys, clf):
    X, y, y3, w = clf
    est = SkLogistic().fit(X, y3)
    Xd, yd = as_kind(X, "dask"), as_kind(y3, "dask")
    for name in ("neg_log_loss", "roc_auc_ovr", "f1_macro"):
        got = M.get_scorer(name)(est, Xd, yd, sample_weight=w)
        assert got == pytest.approx(skm.get_scorer(name)(est, X, y3, sample_weight=w),
                                    rel=1e-10), name
    lazy = M.r2_score(as_kind(X[:, 0], "dask"), as_kind(X[:, 1], "dask"), compute=False)
    assert client.compute(lazy).result() == pytest.approx(skm.r2_score(X[:, 0], X[:, 1]))


def test_wrappers_scoring_goes_through_the_blockwise_scorers(clf):
    from dask_scale.wrappers import ParallelPostFit

    X, y, y3, _ = clf
    Xd = as_kind(X, "dask")
    Xlazy = Xd.map_blocks(raise_if_computed, dtype=float)
    for name, target in (("roc_auc", y), ("neg_log_loss", y3), ("f1_macro", y3)):
        wrapper = ParallelPostFit(SkLogistic(), scoring=name).fit(X, target)
        # lazy: nothing computed, the predictions are never concatenated
        assert isinstance(wrapper.score(Xlazy, target, compute=False), Delayed), name
        want = skm.get_scorer(name)(wrapper.estimator_, X, target)
        assert wrapper.score(Xd, as_kind(target, "dask")) == pytest.approx(want, rel=1e-10)


def test_scorers_pickle(clf):
    import pickle

    X, y, _, _ = clf
    est = SkLogistic().fit(X, y)
    scorers = [*M.SCORERS.values(), M.get_scorer("average_precision"),
               M.make_scorer(M.fbeta_score, beta=2), M.check_scoring(est),
               M.check_scoring(est, ["accuracy", "roc_auc"])]
    for scorer in scorers:
        back = pickle.loads(pickle.dumps(scorer))
        assert back(est, X, y) == scorer(est, X, y), scorer
