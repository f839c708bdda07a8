"""ROC AUC, exact on dask input without gathering the rows.

One pass reduces the row blocks to a table of distinct ``(score, label)`` pairs with their
counts and weights (:func:`dask_scale._kernels.stats.pair_counts`, merged by a tree
reduction; one table per column of a 2-D ``y_score``). The ROC curve depends on the data
only through that table (tied scores form one step of the curve whatever their order), so
scikit-learn's :func:`sklearn.metrics.roc_auc_score` run on the table's pairs, weighted by
their counts, is the exact AUC. Its size is the number of distinct scores (times the labels),
not the number of rows: scores of a model with few distinct values (trees, rounded
probabilities) give a small table, continuous scores one up to the size of ``y_score``.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import sklearn.metrics as skm
from sklearn.utils.multiclass import unique_labels

from .._kernels.stats import merge_pair_counts, pair_counts, pair_entries
from ._classification import _labels_1d
from ._reduce import dask_inputs, run

__all__ = ["roc_auc_score"]


def _roc_chunk(yt, score, w):
    yt = _labels_1d(yt, "y_true")
    score = np.asarray(score, dtype=np.float64)
    if score.ndim == 1:
        return (pair_counts(score, yt, w),), True
    sums = bool(np.allclose(1, score.sum(axis=1))) if score.shape[0] else True
    return tuple(pair_counts(score[:, j], yt, w) for j in range(score.shape[1])), sums


def _roc_combine(parts):
    tables = [merge_pair_counts([p[0][j] for p in parts]) for j in range(len(parts[0][0]))]
    return tuple(tables), all(p[1] for p in parts)


def _binary_auc(table, max_fpr, **kwargs):
    score, label, w = pair_entries(table)
    return skm.roc_auc_score(label, score, sample_weight=w, max_fpr=max_fpr, **kwargs)


def _pair_auc(table, positive, negative):
    """AUC of ``positive`` against ``negative`` on the rows of those two labels, scored by
    the column of ``table``."""
    score, label, w = pair_entries(table)
    is_pos = label == positive
    keep = is_pos | (label == negative)
    return skm.roc_auc_score(is_pos[keep].astype(np.int64), score[keep], sample_weight=w[keep])


def _ovo(tables, classes, n_classes, average):
    """Hand & Till's one-vs-one AUC: the mean over the pairs of classes of the two AUCs of
    each pair, weighted by the pair's share of the rows for ``average="weighted"``."""
    labels = tables[0][1]
    per_label = tables[0][2].sum(axis=0)
    total = per_label.sum()
    scores, prevalence = [], []
    for a, b in itertools.combinations(range(n_classes), 2):
        ca, cb = classes[a], classes[b]
        pair = (per_label[labels == ca].sum() + per_label[labels == cb].sum()) / total
        auc_a = _pair_auc(tables[a], ca, cb)
        auc_b = _pair_auc(tables[b], cb, ca)
        scores.append((auc_a + auc_b) / 2)
        prevalence.append(pair)
    weights = prevalence if average == "weighted" else None
    return float(np.average(scores, weights=weights))


def _roc_aggregate(parts, average, max_fpr, multi_class, labels, two_d, weighted):
    tables, sums_to_one = parts
    if not two_d:
        return _binary_auc(tables[0], max_fpr, average=average, multi_class=multi_class,
                           labels=labels)
    seen = tables[0][1]
    if len(unique_labels(seen)) > 2 and not sums_to_one:
        raise ValueError(
            "Target scores need to be probabilities for multiclass roc_auc, i.e. they should "
            "sum up to 1.0 over classes"
        )
    # scikit-learn's checks (multi_class, average, max_fpr, labels against the columns) on
    # one row per label of y_true
    width = len(tables)
    skm.roc_auc_score(seen, np.full((len(seen), width), 1.0 / width), average=average,
                      max_fpr=max_fpr, multi_class=multi_class, labels=labels,
                      sample_weight=np.ones(len(seen)) if weighted else None)
    classes = unique_labels(seen if labels is None else labels)
    if multi_class == "ovo":
        return _ovo(tables, classes, len(unique_labels(seen)), average)
    scores, support = [], []
    for j, c in enumerate(classes):
        ua, ub, counts, weighted = tables[j]
        positive = ub == c
        ia, ib = np.nonzero(counts)
        w = counts[ia, ib] if weighted is None else weighted[ia, ib]
        with np.errstate(all="ignore"):
            scores.append(skm.roc_auc_score(positive[ib].astype(np.int64), ua[ia],
                                            sample_weight=w))
        support.append(float(w[positive[ib]].sum()))
    scores = np.asarray(scores)
    if average is None:
        return scores
    if average == "weighted":
        support = np.asarray(support)
        if np.isclose(support.sum(), 0.0):
            return 0.0
        return float(np.average(scores, weights=support))
    return float(np.average(scores))


def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None,
                  multi_class="raise", labels=None, compute=True):
    """Area under the ROC curve, scikit-learn's :func:`sklearn.metrics.roc_auc_score`.

    Exact on dask input in one pass, without gathering the rows (see the module notes):
    binary ``y_true`` with a 1-D ``y_score`` (``max_fpr`` too), and multiclass
    ``y_true`` with probabilities ``y_score`` of shape (n_samples, n_classes) and
    ``multi_class="ovr"`` (``average`` "macro", "weighted" or None) or ``"ovo"`` (Hand &
    Till's, "macro" or "weighted", no ``sample_weight`` as scikit-learn). Multilabel
    ``y_true`` raises NotImplementedError on dask input.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
    average : {"micro", "macro", "samples", "weighted"} or None, default="macro"
    sample_weight : array-like of shape (n_samples,), default=None
    max_fpr : float in (0, 1], default=None
    multi_class : {"raise", "ovr", "ovo"}, default="raise"
    labels : array-like of shape (n_classes,), default=None
    compute : bool, default=True
        With dask input, False returns a ``dask.delayed.Delayed`` of the value.

    Returns
    -------
    float (ndarray per class for a multiclass ``average=None``)
    """
    arrays = dask_inputs(y_true, y_score, sample_weight,
                         names=("y_true", "y_score", "sample_weight"))
    if arrays is None:
        return skm.roc_auc_score(y_true, y_score, average=average,
                                 sample_weight=sample_weight, max_fpr=max_fpr,
                                 multi_class=multi_class, labels=labels)
    return run(
        _roc_chunk,
        arrays,
        combine=_roc_combine,
        aggregate=functools.partial(
            _roc_aggregate, average=average, max_fpr=max_fpr, multi_class=multi_class,
            labels=labels, two_d=arrays[1].ndim == 2 and arrays[1].shape[1] != 1,
            weighted=sample_weight is not None,
        ),
        compute=compute,
        check_finite={1: "y_score", 2: "sample_weight"},
        name="metric-roc-auc",
    )
