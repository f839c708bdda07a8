"""Class labels of classifiers: discovery (one cheap pass for dask), checks, class weights.

Labels may be of any sortable dtype (integers, floats holding integers, strings). For dask
input the labels are found with one pass that reads only ``y`` (per-block weighted value
counts, merged by a union in the tree reduction); the blocks are then encoded as they are
read by the fit's passes.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

from .._graph import reduce_blocks
from .._kernels.stats import merge_value_counts, value_counts
from .._validation import is_dask_array

__all__ = ["class_weight_vector", "encode_labels", "find_classes"]

_CONTINUOUS = (
    "Unknown label type: continuous. Maybe you are trying to fit a classifier, which "
    "expects discrete classes on a regression target with continuous values."
)


def _counts_chunk(yb, swb):
    sw = np.ones(yb.shape[0]) if swb is None else swb
    return value_counts(np.asarray(yb), sw)


def _sorted(uniques, counts):
    order = np.argsort(uniques, kind="stable")
    return uniques[order], counts[order]


def find_classes(y, sample_weight=None):
    """Sorted class labels of ``y`` and their (sample-weighted) counts.

    Raises the same error as scikit-learn for a continuous target. For dask ``y`` this is
    one pass over ``y`` (and ``sample_weight``), which also checks them for NaN/inf.

    Returns
    -------
    classes : ndarray of shape (n_classes,)
    counts : ndarray of shape (n_classes,)
    """
    if is_dask_array(y):
        check = {0: "y", 1: "sample_weight"} if sample_weight is not None else {0: "y"}
        if y.dtype.kind not in "fc":
            check.pop(0)
        classes, counts, _ = reduce_blocks(
            _counts_chunk,
            [y, sample_weight],
            combine=merge_value_counts,
            check_finite=check,
            name="glm-classes",
        )
        if classes.dtype.kind == "f" and classes.size and np.any(classes != np.round(classes)):
            raise ValueError(_CONTINUOUS)
        return _sorted(classes, counts)
    check_classification_targets(y)
    return _sorted(*_counts_chunk(y, sample_weight)[:2])


def _label_key(c):
    """A class label as a plain Python value for dict look-ups."""
    return c.item() if isinstance(c, np.generic) else c


def class_weight_vector(class_weight, classes, counts):
    """One weight per class (in ``classes`` order), or None for ``class_weight=None``.

    ``"balanced"`` gives ``sum(counts) / (n_classes * counts)`` with sample-weighted counts,
    as scikit-learn does. A dict maps labels to weights; classes it does not name get 1.
    """
    if class_weight is None:
        return None
    if isinstance(class_weight, str):
        if class_weight != "balanced":  # pragma: no cover - validated by the estimator
            raise ValueError(
                f"class_weight must be 'balanced', a dict or None, got {class_weight!r}"
            )
        with np.errstate(divide="ignore"):
            return counts.sum() / (len(classes) * counts)
    weights = np.ones(len(classes))
    keys = {_label_key(k): v for k, v in class_weight.items()}
    bad = {k: v for k, v in keys.items() if not _valid_weight(v)}
    if bad:
        raise ValueError(
            f"class_weight must map each class to a finite, non-negative number; got {bad}. "
            "Give a smaller (or zero) weight to a class to count it less."
        )
    missing = []
    for i, c in enumerate(classes):
        key = _label_key(c)
        if key in keys:
            weights[i] = float(keys[key])
        else:
            missing.append(key)
    named = len(classes) - len(missing)
    if missing and named != len(keys):
        unknown = sorted(set(map(str, keys)) - {str(_label_key(c)) for c in classes})
        raise ValueError(
            f"class_weight names labels {unknown} that are not classes of y "
            f"(classes: {[_label_key(c) for c in classes]})."
        )
    return weights


def _valid_weight(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return False
    return np.isfinite(value) and value >= 0.0


def encode_labels(y, classes, binary):
    """Encode NumPy labels for the kernels: 0/1 floats (binary) or class indices."""
    idx = np.searchsorted(classes, y)
    if binary:
        return idx.astype(np.float64)
    return idx.astype(np.intp)
