"""Metrics and scorers for dask collections: one pass over the data, scikit-learn's values.

Every metric accepts NumPy / pandas input (scikit-learn's own function is called), dask
arrays with known or unknown chunk sizes, and dask Series / DataFrames; dask input is
reduced in one tree reduction of ``y_true``, ``y_pred`` (and ``sample_weight``), and
``compute=False`` returns the lazy ``dask.delayed.Delayed`` of the value. The pairwise
functions map scikit-learn's over the row blocks of a dask ``X``. Scorers
(:func:`get_scorer`, :func:`check_scoring`, :func:`make_scorer`) score an estimator on
dask ``X`` from its lazily built responses, without gathering ``X``. See docs/metrics.rst.
"""

from ._classification import (
    accuracy_score,
    balanced_accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    fbeta_score,
    jaccard_score,
    log_loss,
    matthews_corrcoef,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from ._pairwise import (
    PAIRWISE_KERNEL_FUNCTIONS,
    euclidean_distances,
    linear_kernel,
    pairwise_distances,
    pairwise_distances_argmin_min,
    pairwise_kernels,
    polynomial_kernel,
    rbf_kernel,
    sigmoid_kernel,
)
from ._ranking import roc_auc_score
from ._regression import (
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_log_error,
    r2_score,
    root_mean_squared_error,
    root_mean_squared_log_error,
)
from ._scorer import SCORERS, check_scoring, get_scorer, get_scorer_names, make_scorer

__all__ = [
    "PAIRWISE_KERNEL_FUNCTIONS",
    "SCORERS",
    "accuracy_score",
    "balanced_accuracy_score",
    "check_scoring",
    "classification_report",
    "confusion_matrix",
    "euclidean_distances",
    "f1_score",
    "fbeta_score",
    "get_scorer",
    "get_scorer_names",
    "jaccard_score",
    "linear_kernel",
    "log_loss",
    "make_scorer",
    "matthews_corrcoef",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_log_error",
    "pairwise_distances",
    "pairwise_distances_argmin_min",
    "pairwise_kernels",
    "polynomial_kernel",
    "precision_recall_fscore_support",
    "precision_score",
    "r2_score",
    "rbf_kernel",
    "recall_score",
    "roc_auc_score",
    "root_mean_squared_error",
    "root_mean_squared_log_error",
    "sigmoid_kernel",
]
