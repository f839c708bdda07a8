"""Classification metrics: one pass over the labels, then scikit-learn's formulas.

Every metric here that depends on the labels only through their weighted joint counts
(accuracy, the confusion matrix, precision / recall / F, balanced accuracy, Jaccard,
Matthews' coefficient, the report) reduces the row blocks to a table of distinct
``(y_true, y_pred)`` pairs with their counts and weights
(:func:`dask_scale._kernels.stats.pair_counts`, a ``n_labels x n_labels`` table whatever the
rows), merged by a tree reduction. scikit-learn's own function then runs on the table's
pairs weighted by their counts: the same labels, the same checks and warnings, the same
values. :func:`log_loss` sums ``w * log p`` per true label and probability column in the
pass, the columns picked once the classes are known. In-memory input is scikit-learn's.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import sklearn.metrics as skm
from sklearn.utils.multiclass import type_of_target, unique_labels

from .._kernels.stats import merge_pair_counts, pair_counts, pair_entries
from ._reduce import dask_inputs, run

__all__ = [
    "accuracy_score",
    "balanced_accuracy_score",
    "classification_report",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "jaccard_score",
    "log_loss",
    "matthews_corrcoef",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
]


def _labels_1d(block, name):
    block = np.asarray(block)
    if block.ndim == 2:
        if block.shape[1] != 1:
            raise NotImplementedError(
                f"{name} has {block.shape[1]} columns (multilabel or multioutput targets): "
                "on dask input only 1-D labels are supported. Compute them into memory and "
                "use scikit-learn's metric."
            )
        block = block[:, 0]
    return block


def _check_discrete(block, name):
    if block.dtype.kind == "f" and block.size and type_of_target(block) == "continuous":
        raise ValueError(
            f"Classification metrics can't handle continuous targets: {name} holds "
            "non-integer floats. Pass class labels (e.g. estimator.predict, not "
            "predict_proba)."
        )


def _table_chunk(yt, yp, w):
    yt = _labels_1d(yt, "y_true")
    yp = _labels_1d(yp, "y_pred")
    _check_discrete(yt, "y_true")
    _check_discrete(yp, "y_pred")
    return pair_counts(yt, yp, w)


def _weight_dtype(sample_weight):
    dtype = getattr(sample_weight, "dtype", None)
    if dtype is None and sample_weight is not None:
        dtype = np.asarray(sample_weight).dtype
    return dtype


def _table_aggregate(table, func, kwargs, weighted, int_weights, post):
    y_true, y_pred, w = pair_entries(table)
    if weighted and int_weights:
        w = np.rint(w).astype(np.int64)
    out = func(y_true, y_pred, sample_weight=w, **kwargs)
    return out if post is None else post(out, weighted)


def _table_metric(func, y_true, y_pred, sample_weight, compute, kwargs, post=None):
    """``func(y_true, y_pred, sample_weight=..., **kwargs)`` of scikit-learn, blockwise."""
    arrays = dask_inputs(y_true, y_pred, sample_weight)
    if arrays is None:
        return func(y_true, y_pred, sample_weight=sample_weight, **kwargs)
    dtype = _weight_dtype(sample_weight)
    int_weights = dtype is not None and np.dtype(dtype).kind in "iub"
    return run(
        _table_chunk,
        arrays,
        combine=merge_pair_counts,
        aggregate=functools.partial(
            _table_aggregate,
            func=func,
            kwargs=kwargs,
            weighted=sample_weight is not None,
            int_weights=int_weights,
            post=post,
        ),
        compute=compute,
        check_finite={2: "sample_weight"},
        name=f"metric-{func.__name__}",
    )


_PARAMS = """
    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Labels: NumPy/pandas, dask array (known or unknown chunk sizes), dask Series.
    {extra}sample_weight : array-like of shape (n_samples,), default=None
    compute : bool, default=True
        With dask input, False returns a ``dask.delayed.Delayed`` of the value (one tree
        reduction, nothing computed yet). In-memory input is always scored now.
"""

_TABLE_DOC = """{summary}

    scikit-learn's :func:`sklearn.metrics.{name}` (same parameters, checks and values);
    on dask input one pass reduces the labels to their weighted pair counts first
    (multilabel targets are not supported there).
{params}"""


def _doc(func, summary, extra=""):
    func.__doc__ = _TABLE_DOC.format(
        summary=summary, name=func.__name__, params=_PARAMS.format(extra=extra)
    )
    return func


def _accuracy_rows_chunk(yt, yp, w):
    yt, yp = np.asarray(yt), np.asarray(yp)
    correct = np.all(yt.reshape(yp.shape) == yp, axis=1) if yp.ndim == 2 else yt == yp
    if w is None:
        return float(correct.sum()), float(correct.shape[0])
    w = np.asarray(w, dtype=np.float64)
    return float(w @ correct), float(w.sum())


def _accuracy_rows_aggregate(parts, normalize):
    hits, total = parts
    return float(hits / total) if normalize else float(hits)


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None, compute=True):
    arrays = dask_inputs(y_true, y_pred, sample_weight)
    if arrays is not None and (arrays[0].ndim == 2 and arrays[0].shape[1] != 1):
        # multilabel indicators: a row is right when all its labels are
        return run(
            _accuracy_rows_chunk,
            arrays,
            aggregate=functools.partial(_accuracy_rows_aggregate, normalize=normalize),
            compute=compute,
            name="metric-accuracy-rows",
        )
    return _table_metric(skm.accuracy_score, y_true, y_pred, sample_weight, compute,
                         {"normalize": normalize})


_doc(accuracy_score, "Fraction (or weighted count, ``normalize=False``) of correct labels.",
     "normalize : bool, default=True\n    ")


def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None,
                     compute=True):
    return _table_metric(skm.confusion_matrix, y_true, y_pred, sample_weight, compute,
                         {"labels": labels, "normalize": normalize})


_doc(confusion_matrix, "Confusion matrix ``C[i, j]``: true label ``i`` predicted as ``j``.",
     "labels : array-like, default=None\n    normalize : {'true', 'pred', 'all'}, "
     "default=None\n    ")


def _prf_kwargs(labels, pos_label, average, zero_division):
    return {"labels": labels, "pos_label": pos_label, "average": average,
            "zero_division": zero_division}


_PRF_EXTRA = (
    "labels : array-like, default=None\n    pos_label : int, float, bool or str, default=1\n"
    "    average : {'micro', 'macro', 'samples', 'weighted', 'binary'} or None, "
    "default='binary'\n    zero_division : {'warn', 0.0, 1.0, np.nan}, default='warn'\n    "
)


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn", compute=True):
    return _table_metric(skm.precision_score, y_true, y_pred, sample_weight, compute,
                         _prf_kwargs(labels, pos_label, average, zero_division))


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn", compute=True):
    return _table_metric(skm.recall_score, y_true, y_pred, sample_weight, compute,
                         _prf_kwargs(labels, pos_label, average, zero_division))


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
             sample_weight=None, zero_division="warn", compute=True):
    return _table_metric(skm.f1_score, y_true, y_pred, sample_weight, compute,
                         _prf_kwargs(labels, pos_label, average, zero_division))


def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn", compute=True):
    kwargs = _prf_kwargs(labels, pos_label, average, zero_division)
    return _table_metric(skm.fbeta_score, y_true, y_pred, sample_weight, compute,
                         {"beta": beta, **kwargs})


def _int_support(out, weighted):
    if weighted or out[3] is None:
        return out
    return (*out[:3], np.asarray(out[3]).astype(np.int64))


def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, warn_for=("precision", "recall", "f-score"),
                                    sample_weight=None, zero_division="warn", compute=True):
    kwargs = _prf_kwargs(labels, pos_label, average, zero_division)
    return _table_metric(skm.precision_recall_fscore_support, y_true, y_pred, sample_weight,
                         compute, {"beta": beta, "warn_for": warn_for, **kwargs},
                         post=_int_support)


_doc(precision_score, "Precision ``tp / (tp + fp)``.", _PRF_EXTRA)
_doc(recall_score, "Recall ``tp / (tp + fn)``.", _PRF_EXTRA)
_doc(f1_score, "F1 score, the harmonic mean of precision and recall.", _PRF_EXTRA)
_doc(fbeta_score, "F-beta score.", "beta : float\n    " + _PRF_EXTRA)
_doc(precision_recall_fscore_support,
     "Precision, recall, F-beta and support of each label (or their average); the support "
     "is an integer count without ``sample_weight``, as scikit-learn's.",
     "beta : float, default=1.0\n    " + _PRF_EXTRA.replace("default='binary'", "default=None")
     + "warn_for : tuple, default=('precision', 'recall', 'f-score')\n    ")


def balanced_accuracy_score(y_true, y_pred, *, sample_weight=None, adjusted=False,
                            compute=True):
    return _table_metric(skm.balanced_accuracy_score, y_true, y_pred, sample_weight, compute,
                         {"adjusted": adjusted})


def jaccard_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                  sample_weight=None, zero_division="warn", compute=True):
    return _table_metric(skm.jaccard_score, y_true, y_pred, sample_weight, compute,
                         _prf_kwargs(labels, pos_label, average, zero_division))


def matthews_corrcoef(y_true, y_pred, *, sample_weight=None, compute=True):
    return _table_metric(skm.matthews_corrcoef, y_true, y_pred, sample_weight, compute, {})


_doc(balanced_accuracy_score, "Mean recall of the classes.",
     "adjusted : bool, default=False\n    ")
_doc(jaccard_score, "Jaccard similarity coefficient.", _PRF_EXTRA)
_doc(matthews_corrcoef, "Matthews correlation coefficient.")


# ---------------------------------------------------------------------------------------
# classification_report: scikit-learn's numbers, formatted here when the support of the
# counted (unweighted) table must print as integers


def _report_post(digits, output_dict):
    return functools.partial(_format_report, digits=digits, output_dict=output_dict)


def _format_report(report, weighted, *, digits, output_dict):
    if not weighted:
        for value in report.values():
            if isinstance(value, dict) and "support" in value:
                value["support"] = int(round(value["support"]))
    if output_dict:
        return report
    names = [k for k in report if k not in ("accuracy", "micro avg", "macro avg",
                                             "weighted avg", "samples avg")]
    averages = [k for k in ("micro avg", "macro avg", "weighted avg", "samples avg")
                if k in report]
    width = max([len(str(n)) for n in names + averages] + [len("weighted avg"), digits])
    headers = ["precision", "recall", "f1-score", "support"]
    head = " " * width + " " + "".join(f" {h:>9}" for h in headers)
    lines = [head, ""]

    def row(name, values):
        cells = "".join(f" {v:>9.{digits}f}" for v in values[:3])
        return f"{name:>{width}} {cells} {values[3]:>9}"

    for name in names:
        r = report[name]
        lines.append(row(name, [r["precision"], r["recall"], r["f1-score"], r["support"]]))
    lines.append("")
    if "accuracy" in report:
        support = report[averages[-1]]["support"] if averages else ""
        blank = " " * 9
        lines.append(
            f"{'accuracy':>{width}}  {blank} {blank} {report['accuracy']:>9.{digits}f} "
            f"{support:>9}"
        )
    for name in averages:
        r = report[name]
        lines.append(row(name, [r["precision"], r["recall"], r["f1-score"], r["support"]]))
    return "\n".join(lines) + "\n"


def _report_func(y_true, y_pred, *, sample_weight, **kwargs):
    return skm.classification_report(y_true, y_pred, sample_weight=sample_weight,
                                     output_dict=True, **kwargs)


def classification_report(y_true, y_pred, *, labels=None, target_names=None,
                          sample_weight=None, digits=2, output_dict=False,
                          zero_division="warn", compute=True):
    """Precision, recall, F1 and support of each class, as text or a dict.

    scikit-learn's :func:`sklearn.metrics.classification_report` on in-memory input. On
    dask input one pass reduces the labels to their weighted pair counts; the numbers are
    scikit-learn's on that table, laid out as scikit-learn lays out its text report.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
    labels : array-like, default=None
    target_names : list of str, default=None
    sample_weight : array-like of shape (n_samples,), default=None
    digits : int, default=2
    output_dict : bool, default=False
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
    compute : bool, default=True
        With dask input, False returns a ``dask.delayed.Delayed`` of the report.

    Returns
    -------
    str or dict
    """
    kwargs = {"labels": labels, "target_names": target_names, "digits": digits,
              "zero_division": zero_division}
    if dask_inputs(y_true, y_pred, sample_weight) is None:
        return skm.classification_report(y_true, y_pred, sample_weight=sample_weight,
                                         output_dict=output_dict, **kwargs)
    return _table_metric(_report_func, y_true, y_pred, sample_weight, compute, kwargs,
                         post=_report_post(digits, output_dict))


# ---------------------------------------------------------------------------------------
# log_loss


def _float_dtype(dtype):
    return dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)


def _clip_eps(yp, eps):
    """Probabilities in [0, 1] clipped to ``[eps, 1 - eps]`` (others left for the range
    check to report)."""
    inside = (yp >= 0) & (yp <= 1)
    return np.where(inside, np.clip(yp, eps, 1 - eps), yp)


def _log_loss_chunk(yt, yp, w, eps="auto"):
    yt = _labels_1d(yt, "y_true")
    yp = np.asarray(yp)
    yp = yp.astype(_float_dtype(yp.dtype), copy=False)
    lo = float(yp.min()) if yp.size else np.inf
    hi = float(yp.max()) if yp.size else -np.inf
    if eps != "auto":
        yp = _clip_eps(yp, eps)  # before the complement of a 1-D y_pred, as in memory
    if yp.ndim == 1:
        yp = yp[:, None]
    if yp.shape[1] == 1:
        yp = np.concatenate([1 - yp, yp], axis=1)
    dtype_eps = np.finfo(yp.dtype).eps
    sums_to_one = bool(np.all(np.isclose(yp.sum(axis=1), 1.0, rtol=np.sqrt(dtype_eps))))
    logs = np.log(np.clip(yp, dtype_eps, 1 - dtype_eps)).astype(np.float64)
    codes, uniques = _factorize(yt)
    w = np.ones(yt.shape[0]) if w is None else np.asarray(w, dtype=np.float64)
    k = len(uniques)
    table = np.stack(
        [np.bincount(codes, weights=w * logs[:, j], minlength=k) for j in range(yp.shape[1])],
        axis=1,
    ) if yp.shape[0] else np.zeros((0, yp.shape[1]))
    return uniques, table, float(w.sum()), lo, hi, sums_to_one, yp.shape[1]


def _factorize(values):
    import pandas as pd

    codes, uniques = pd.factorize(values)
    codes = np.asarray(codes)
    if (codes < 0).any():
        raise ValueError("Input y_true contains NaN.")
    return codes, np.asarray(uniques)


def _log_loss_combine(parts):
    import pandas as pd

    widths = {p[6] for p in parts}
    if len(widths) != 1:
        raise ValueError(f"y_pred has a different number of columns in different blocks: "
                         f"{sorted(widths)}.")
    joined = np.concatenate([p[0] for p in parts])
    codes, uniques = pd.factorize(joined)
    uniques = np.asarray(uniques)
    table = np.zeros((len(uniques), parts[0][6]))
    np.add.at(table, np.asarray(codes), np.concatenate([p[1] for p in parts]))
    return (
        uniques,
        table,
        sum(p[2] for p in parts),
        min(p[3] for p in parts),
        max(p[4] for p in parts),
        all(p[5] for p in parts),
        parts[0][6],
    )


def _log_loss_aggregate(parts, normalize, labels, weighted):
    uniques, table, total, lo, hi, sums_to_one, width = parts
    if hi > 1:
        raise ValueError(f"y_prob contains values greater than 1: {hi}")
    if lo < 0:
        raise ValueError(f"y_prob contains values lower than 0: {lo}")
    # scikit-learn's checks of the labels (one label, undeclared labels, their number
    # against y_pred's columns, their order) on one row per label of y_true
    probe = np.full((len(uniques), width), 1.0 / width)
    skm.log_loss(uniques, y_proba=probe, labels=labels)
    if not sums_to_one:
        warnings.warn(
            "The y_prob values do not sum to one. Make sure to pass probabilities.", UserWarning
        )
    classes = unique_labels(uniques if labels is None else labels)
    columns = np.searchsorted(classes, uniques)
    loss = -float(table[np.arange(len(uniques)), columns].sum())
    if not normalize:
        return loss
    if total == 0:
        if weighted:
            raise ZeroDivisionError("Weights sum to zero, can't be normalized")
        raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
    return loss / total


def log_loss(y_true, y_pred, *, eps="auto", normalize=True, sample_weight=None, labels=None,
             compute=True):
    """Log loss (cross-entropy) of predicted probabilities, scikit-learn's definition.

    One pass over dask input: per block, the sums of ``w * log(clip(p))`` per true label and
    probability column; the classes (``labels``, else the distinct labels of ``y_true``,
    sorted) pick the columns at the end. scikit-learn's function on in-memory input
    (``y_pred`` is its ``y_proba``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
    y_pred : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities, columns in the sorted order of the classes; a 1-D array is the
        probability of the positive class.
    eps : "auto" or float, default="auto"
        dask-ml's keyword: probabilities are clipped to ``[eps, 1 - eps]``; "auto" (as
        scikit-learn, which no longer has the keyword) clips to the machine epsilon of
        ``y_pred``'s dtype.
    normalize : bool, default=True
        Mean (True) or sum (False) of the per-sample losses.
    sample_weight : array-like of shape (n_samples,), default=None
    labels : array-like, default=None
    compute : bool, default=True
        With dask input, False returns a ``dask.delayed.Delayed`` of the value.

    Returns
    -------
    float
    """
    arrays = dask_inputs(y_true, y_pred, sample_weight)
    if eps != "auto" and not (isinstance(eps, (int, float)) and 0 < eps < 0.5):
        raise ValueError(f"eps must be 'auto' or a float in (0, 0.5), got {eps!r}.")
    if arrays is None:
        if eps != "auto":
            y_pred = np.asarray(y_pred)
            y_pred = _clip_eps(y_pred.astype(_float_dtype(y_pred.dtype), copy=False), eps)
        return skm.log_loss(y_true, y_proba=y_pred, normalize=normalize,
                            sample_weight=sample_weight, labels=labels)
    return run(
        _log_loss_chunk,
        arrays,
        (eps,),
        combine=_log_loss_combine,
        aggregate=functools.partial(
            _log_loss_aggregate, normalize=normalize, labels=labels,
            weighted=sample_weight is not None,
        ),
        compute=compute,
        check_finite={1: "y_pred", 2: "sample_weight"},
        name="metric-log-loss",
    )
