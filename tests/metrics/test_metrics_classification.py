"""dask_scale.metrics classification and ranking metrics against scikit-learn."""

import warnings

import dask
import numpy as np
import pytest
import sklearn.metrics as skm
from _metrics_data import KINDS, as_kind, raise_if_computed
from dask.delayed import Delayed
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning

import dask_scale.metrics as M

TABLE = [
    ("accuracy_score", {}),
    ("accuracy_score", {"normalize": False}),
    ("confusion_matrix", {}),
    ("confusion_matrix", {"normalize": "true", "labels": [2, 0, 1, 5]}),
    ("precision_score", {"average": "macro"}),
    ("recall_score", {"average": "weighted"}),
    ("f1_score", {"average": "micro"}),
    ("fbeta_score", {"beta": 0.5, "average": None}),
    ("balanced_accuracy_score", {}),
    ("jaccard_score", {"average": "macro"}),
    ("matthews_corrcoef", {}),
]


@pytest.fixture(scope="module")
def labels():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 400)
    pred = np.where(rng.random(400) < 0.7, y, rng.integers(0, 3, 400))
    proba = rng.dirichlet([1.0, 1.0, 1.0], 400)
    return y, pred, proba, rng.random(400)


def _same(got, want):
    if isinstance(want, tuple):
        for g, w in zip(got, want, strict=True):
            _same(g, w)
        return
    want = np.asarray(want)
    got = np.asarray(got)
    assert got.dtype.kind == want.dtype.kind
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("kind", ["dask", "frame"])
@pytest.mark.parametrize(("name", "kwargs"), TABLE)
def test_label_metrics_equal_sklearn(labels, kind, name, kwargs):
    y, pred, _, w = labels
    ours, sk = getattr(M, name), getattr(skm, name)
    _same(ours(as_kind(y, kind), as_kind(pred, kind), **kwargs), sk(y, pred, **kwargs))
    got = ours(as_kind(y, kind), as_kind(pred, kind), sample_weight=as_kind(w, kind), **kwargs)
    _same(got, sk(y, pred, sample_weight=w, **kwargs))


def test_binary_string_labels_and_integer_weights(labels):
    y, pred, _, _ = labels
    names = np.array(["ham", "spam"], dtype=object)
    yt, yp = names[(y > 0).astype(int)], names[(pred > 0).astype(int)]
    wi = np.arange(400) % 3
    for kind in ("dask", "frame"):
        got = M.f1_score(as_kind(yt, kind), as_kind(yp, kind), pos_label="spam")
        assert got == skm.f1_score(yt, yp, pos_label="spam")
        cm = M.confusion_matrix(as_kind(yt, kind), as_kind(yp, kind),
                                sample_weight=as_kind(wi, kind))
        _same(cm, skm.confusion_matrix(yt, yp, sample_weight=wi))
    with pytest.raises(ValueError, match="pos_label=1 is not a valid label"):
        M.precision_score(as_kind(yt, "dask"), yp)


def test_precision_recall_fscore_support_and_report(labels):
    y, pred, _, w = labels
    yd, pd_ = as_kind(y, "dask"), as_kind(pred, "unknown")
    yd = as_kind(y, "unknown")
    _same(M.precision_recall_fscore_support(yd, pd_), skm.precision_recall_fscore_support(y, pred))
    assert M.classification_report(yd, pd_) == skm.classification_report(y, pred)
    assert M.classification_report(yd, pd_, digits=4, target_names=["a", "b", "c"]) == (
        skm.classification_report(y, pred, digits=4, target_names=["a", "b", "c"])
    )
    # weighted: supports are float sums, equal up to the order of summation
    got = M.classification_report(yd, pd_, sample_weight=as_kind(w, "unknown"), output_dict=True)
    want = skm.classification_report(y, pred, sample_weight=w, output_dict=True)
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, dict):
            assert got[key] == pytest.approx(value, rel=1e-12), key
        else:
            assert got[key] == pytest.approx(value, rel=1e-12), key
    assert M.classification_report(yd, pd_, output_dict=True) == skm.classification_report(
        y, pred, output_dict=True
    )


def test_zero_division_warning_as_sklearn(labels):
    y, _, _, _ = labels
    pred = np.zeros_like(y)
    with pytest.warns(UndefinedMetricWarning):
        got = M.precision_score(as_kind(y, "dask"), as_kind(pred, "dask"), average="macro")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert got == skm.precision_score(y, pred, average="macro")


@pytest.mark.parametrize("kind", KINDS)
def test_log_loss(labels, kind):
    y, _, proba, w = labels
    got = M.log_loss(as_kind(y, kind), as_kind(proba, kind), sample_weight=as_kind(w, kind))
    assert got == pytest.approx(skm.log_loss(y, proba, sample_weight=w), rel=1e-12)
    binary = (y > 0).astype(int)
    got = M.log_loss(as_kind(binary, kind), as_kind(proba[:, 0], kind), normalize=False)
    assert got == pytest.approx(skm.log_loss(binary, proba[:, 0], normalize=False), rel=1e-12)
    # dask-ml's eps: a clip of the probabilities
    hard = np.round(proba[:, 0])
    got = M.log_loss(as_kind(binary, kind), as_kind(hard, kind), eps=1e-7)
    assert got == pytest.approx(skm.log_loss(binary, np.clip(hard, 1e-7, 1 - 1e-7)), rel=1e-12)
    assert M.log_loss(binary, hard, eps=1e-7) == pytest.approx(got, rel=1e-12)
    # a class absent from y_true, declared by labels
    keep = y != 1
    got = M.log_loss(as_kind(y[keep], kind), as_kind(proba[keep], kind), labels=[0, 1, 2])
    assert got == pytest.approx(skm.log_loss(y[keep], proba[keep], labels=[0, 1, 2]), rel=1e-12)


def test_log_loss_errors(labels):
    y, _, proba, _ = labels
    with pytest.raises(ValueError, match="only one label"):
        M.log_loss(as_kind(np.zeros(400, int), "dask"), proba[:, :2])
    with pytest.raises(ValueError, match="different number of classes"):
        M.log_loss(as_kind(y, "dask"), proba[:, :2])
    with pytest.raises(ValueError, match="greater than 1"):
        M.log_loss(as_kind(y, "dask"), proba * 3)
    with pytest.warns(UserWarning, match="do not sum to one"):
        M.log_loss(as_kind(y, "dask"), proba * 0.9)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        M.log_loss(as_kind(y, "dask"), proba[:300])


@pytest.mark.parametrize("kind", KINDS)
def test_roc_auc(labels, kind):
    y, _, proba, w = labels
    binary = (y == 1).astype(int)
    score = np.round(proba[:, 1], 2)  # ties
    kw = {"sample_weight": as_kind(w, kind)}
    got = M.roc_auc_score(as_kind(binary, kind), as_kind(score, kind), **kw)
    assert got == pytest.approx(skm.roc_auc_score(binary, score, sample_weight=w), rel=1e-12)
    got = M.roc_auc_score(as_kind(binary, kind), as_kind(score, kind), max_fpr=0.3)
    assert got == pytest.approx(skm.roc_auc_score(binary, score, max_fpr=0.3), rel=1e-12)
    for average in ("macro", "weighted"):
        got = M.roc_auc_score(as_kind(y, kind), as_kind(proba, kind), multi_class="ovr",
                              average=average, **kw)
        want = skm.roc_auc_score(y, proba, multi_class="ovr", average=average, sample_weight=w)
        assert got == pytest.approx(want, rel=1e-12)
        got = M.roc_auc_score(as_kind(y, kind), as_kind(proba, kind), multi_class="ovo",
                              average=average)
        want = skm.roc_auc_score(y, proba, multi_class="ovo", average=average)
        assert got == pytest.approx(want, rel=1e-12)


def test_roc_auc_errors(labels):
    y, _, proba, _ = labels
    yd = as_kind(y, "dask")
    with pytest.raises(ValueError, match="multi_class must be in"):
        M.roc_auc_score(yd, proba)
    with pytest.raises(ValueError, match="sample_weight is not supported"):
        M.roc_auc_score(yd, proba, multi_class="ovo", sample_weight=np.ones(400))
    with pytest.raises(ValueError, match="sum up to 1.0"):
        M.roc_auc_score(yd, proba * 2, multi_class="ovr")
    ones = np.ones(400, int)
    with pytest.warns(UndefinedMetricWarning, match="Only one class"):
        got = M.roc_auc_score(as_kind(ones, "dask"), proba[:, 0])
    with pytest.warns(UndefinedMetricWarning):
        assert np.isnan(got) and np.isnan(skm.roc_auc_score(ones, proba[:, 0]))
    with pytest.raises(ValueError, match="continuous"):
        M.accuracy_score(as_kind(proba[:, 0], "dask"), proba[:, 1])


def test_compute_false_is_lazy(labels):
    y, pred, proba, _ = labels
    yd = as_kind(y, "dask").map_blocks(raise_if_computed, dtype=y.dtype)
    for lazy in (
        M.f1_score(yd, pred, average="macro", compute=False),
        M.log_loss(yd, proba, compute=False),
        M.roc_auc_score(yd, proba, multi_class="ovr", compute=False),
        M.classification_report(yd, pred, compute=False),
    ):
        assert isinstance(lazy, Delayed)
    lazy = M.confusion_matrix(as_kind(y, "dask"), pred, compute=False)
    (value,) = dask.compute(lazy)
    np.testing.assert_array_equal(value, skm.confusion_matrix(y, pred))


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=1, max_size=6))
def test_chunking_does_not_change_the_value(sizes):
    n = sum(sizes)
    rng = np.random.default_rng(n)
    y = rng.integers(0, 2, n)
    score = np.round(rng.random(n), 1)
    w = rng.random(n)
    chunks = (tuple(sizes),)
    import dask.array as da

    yd, sd = da.from_array(y, chunks=chunks), da.from_array(score, chunks=chunks)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for ours, sk in [
            (M.roc_auc_score(yd, sd, sample_weight=w), skm.roc_auc_score(y, score, sample_weight=w)),
            (M.log_loss(yd, sd, labels=[0, 1]), skm.log_loss(y, score, labels=[0, 1])),
            (M.f1_score(yd, (sd > 0.5).astype(int)), skm.f1_score(y, (score > 0.5).astype(int))),
        ]:
            if np.isnan(sk):
                assert np.isnan(ours)
            else:
                assert ours == pytest.approx(sk, rel=1e-12, abs=1e-15)
