"""LogisticRegression: binary and multinomial, trained block by block."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.validation import check_is_fitted

from .._fitting import all_or_nothing
from .._graph import map_rows, reduce_blocks
from .._validation import (
    check_n_rows,
    check_sample_weight,
    is_dask_array,
    is_dask_frame,
    validate_data,
)
from . import _predict
from ._glm import _FLOATS, _GLM, _scaled_input, common_params_doc
from ._labels import class_weight_vector, encode_labels, find_classes
from ._solvers import GLMObjective, make_solver
from ._solvers._objective import BINOMIAL, MULTINOMIAL

__all__ = ["LogisticRegression"]


@common_params_doc
class LogisticRegression(ClassifierMixin, _GLM):
    """Logistic regression (binary and multinomial) trained block by block.

    Minimises scikit-learn's objective ``C * sum_i sw_i * loss_i + penalty(coef)`` where
    ``loss_i`` is the logistic loss (binary) or the multinomial (softmax) loss with one row
    of coefficients per class (multiclass, every solver), the intercept is not penalised and
    the features are used as given (no hidden standardisation). With the same ``C`` and
    penalty the coefficients match :class:`sklearn.linear_model.LogisticRegression`.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", None}, default="l2"
        ``"l2"``: ``0.5 * ||coef||^2``; ``"l1"``: ``||coef||_1``; ``"elasticnet"``: see
        ``l1_ratio``; None: no penalty. dask-ml's spelling ``"elastic_net"`` is accepted.
    solver : {"lbfgs", "newton", "gradient_descent", "proximal_grad", "admm"}, \
default="lbfgs"
        Optimisation algorithm. ``lbfgs``, ``newton`` and ``gradient_descent`` handle
        ``penalty='l2'`` and None; ``proximal_grad`` (FISTA) and ``admm`` (consensus ADMM
        over the row blocks) handle every penalty. Each iteration reads the data in one
        graph submission of fused per-block kernels.
    {common}
    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into the sample weights. ``"balanced"`` uses
        ``sum(sw) / (n_classes * sum of sw per class)``.
    multi_class : {"auto", "multinomial", "ovr"}, default="deprecated"
        dask-ml's keyword, deprecated in scikit-learn 1.5 and since removed. Two classes are
        always fitted with the logistic loss and more with the multinomial loss; ``"auto"`` and
        ``"multinomial"`` ask for that and warn (FutureWarning) that the keyword is
        deprecated, as does ``"ovr"`` on two classes; ``"ovr"`` on more classes raises
        (one-vs-rest: wrap the model in :class:`sklearn.multiclass.OneVsRestClassifier`).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels (any sortable dtype).
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients; one row for binary problems, as in scikit-learn (dask-ml's binary
        ``coef_`` has shape ``(n_features,)``: that is ``coef_[0]`` here).
    intercept_ : ndarray of shape (1,) or (n_classes,)
        As in scikit-learn (dask-ml's binary ``intercept_`` is a scalar: ``intercept_[0]``).
    n_iter_ : ndarray of shape (1,)
        Iterations done by the solver.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Only when ``X`` has string column names.

    Examples
    --------
    >>> import dask.array as da
    >>> from sklearn.datasets import make_classification
    >>> from dask_scale.linear_model import LogisticRegression
    >>> X, y = make_classification(n_samples=1000, random_state=0)
    >>> clf = LogisticRegression().fit(da.from_array(X, chunks=250), da.from_array(y, chunks=250))
    >>> clf.predict(da.from_array(X[:4], chunks=2)).compute().shape
    (4,)
    """

    _family = "classifier"

    def __init__(
        self,
        penalty="l2",
        *,
        C=1.0,
        l1_ratio=None,
        fit_intercept=True,
        solver="lbfgs",
        max_iter=100,
        tol=1e-4,
        class_weight=None,
        warm_start=False,
        random_state=None,
        verbose=0,
        solver_kwargs=None,
        dual=False,
        intercept_scaling=1.0,
        multi_class="deprecated",
        n_jobs=None,
    ):
        super().__init__(
            penalty=penalty,
            C=C,
            l1_ratio=l1_ratio,
            fit_intercept=fit_intercept,
            solver=solver,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            random_state=random_state,
            verbose=verbose,
            solver_kwargs=solver_kwargs,
            class_weight=class_weight,
            dual=dual,
            intercept_scaling=intercept_scaling,
            multi_class=multi_class,
            n_jobs=n_jobs,
        )

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like, dask array or dask DataFrame of shape (n_samples, n_features)
        y : array-like, dask array or dask Series of shape (n_samples,)
            Class labels (at least two classes).
        sample_weight : array-like, dask array or None, default=None

        Returns
        -------
        self
        """
        with all_or_nothing(self):
            return self._fit(X, y, sample_weight)

    def _fit(self, X, y, sample_weight):
        self._validate_params()
        self._check_dask_ml_params()
        penalty = self._make_penalty()
        make_solver(self.solver, penalty, self.solver_kwargs)  # fail fast on bad options
        X, y, sw = self._validate_fit_input(X, y, sample_weight)
        classes, counts = find_classes(y, sw)
        if len(classes) == 0:
            check_n_rows(self, 0, X.shape[1])
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {classes[0]!r}."
            )
        self._check_multi_class(len(classes))
        cw = class_weight_vector(self.class_weight, classes, counts)
        eff = counts if cw is None else counts * cw
        sw_sum = float(eff.sum())
        if not sw_sum > 0:
            raise ValueError(
                "Sample weights (times class weights) sum to zero: at least one sample needs "
                "a positive weight."
            )
        binary = len(classes) == 2
        family = BINOMIAL if binary else MULTINOMIAL
        n_outputs = 1 if binary else len(classes)
        if is_dask_array(X):
            y_arg, classes_arg, cw_arg = y, classes, cw
        else:
            y_arg = encode_labels(y, classes, binary)
            classes_arg, cw_arg = None, None
            if cw is not None:
                idx = y_arg.astype(np.intp)
                sw = cw[idx] if sw is None else sw * cw[idx]
        X, affine = _scaled_input(X)
        obj = GLMObjective(
            X,
            y_arg,
            sw,
            family=family,
            n_outputs=n_outputs,
            fit_intercept=self.fit_intercept,
            C=self.C,
            penalty=penalty,
            sw_sum=sw_sum,
            classes=classes_arg,
            class_weight=cw_arg,
            check_finite=is_dask_array(X),
            affine=affine,
        )
        w0 = self._warm_start_w(obj)
        if w0 is None:
            w0 = np.zeros(obj.size)
            if self.fit_intercept:
                # Start from the class priors: the optimal intercept of a zero model.
                with np.errstate(divide="ignore"):
                    logp = np.log(np.maximum(eff / sw_sum, 1e-12))
                b = np.array([logp[1] - logp[0]]) if binary else logp - logp.mean()
                w0 = obj.join(np.zeros((n_outputs, obj.n_features)), b)
        res = self._solve(obj, w0)
        coef, intercept = obj.split(obj.center(res.w))
        self.classes_ = classes
        self.coef_ = coef
        self.intercept_ = intercept if self.fit_intercept else np.zeros(n_outputs)
        self.n_iter_ = np.array([res.n_iter], dtype=np.int32)
        return self

    def decision_function(self, X):
        """Signed scores: shape (n_samples,) for binary, (n_samples, n_classes) otherwise.

        Follows the input: NumPy for array-likes, dask array for dask arrays, dask
        Series/DataFrame for dask DataFrames.
        """
        Xv, frame = self._predict_input(X)
        if self.coef_.shape[0] == 1:
            return map_rows(
                _predict.binary_decision,
                Xv,
                self.coef_[0],
                float(self.intercept_[0]),
                out_dtype=np.float64,
                frame=frame,
                name="decision_function",
            )
        return map_rows(
            _predict.multi_decision,
            Xv,
            self.coef_,
            self.intercept_,
            out_dtype=np.float64,
            n_out=len(self.classes_),
            columns=list(self.classes_),
            frame=frame,
        )

    def _proba(self, X, binary_func, multi_func):
        Xv, frame = self._predict_input(X)
        if self.coef_.shape[0] == 1:
            args = (binary_func, Xv, self.coef_[0], float(self.intercept_[0]))
        else:
            args = (multi_func, Xv, self.coef_, self.intercept_)
        return map_rows(
            *args,
            out_dtype=np.float64,
            n_out=len(self.classes_),
            columns=list(self.classes_),
            frame=frame,
        )

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns in ``classes_`` order."""
        return self._proba(X, _predict.binary_proba, _predict.multi_proba)

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`, computed stably."""
        return self._proba(X, _predict.binary_log_proba, _predict.multi_log_proba)

    def predict(self, X):
        """Predicted class labels (from ``classes_``), shape (n_samples,)."""
        Xv, frame = self._predict_input(X)
        if self.coef_.shape[0] == 1:
            func, coef, intercept = (
                _predict.binary_predict,
                self.coef_[0],
                float(self.intercept_[0]),
            )
        else:
            func, coef, intercept = _predict.multi_predict, self.coef_, self.intercept_
        return map_rows(
            func, Xv, coef, intercept, self.classes_, out_dtype=self.classes_.dtype, frame=frame
        )

    def score(self, X, y, sample_weight=None):
        """Mean (sample-weighted) accuracy, as a Python float (one pass for dask input)."""
        check_is_fitted(self)
        if not (is_dask_array(X) or is_dask_frame(X) or is_dask_array(y) or is_dask_frame(y)):
            return float(accuracy_score(y, self.predict(X), sample_weight=sample_weight))
        Xv, yv = validate_data(self, X, y, reset=False, dtype=_FLOATS)
        sw = None if sample_weight is None else check_sample_weight(sample_weight, Xv)
        correct, total = reduce_blocks(
            _predict.accuracy_sums,
            [Xv, yv, sw],
            (self.coef_, self.intercept_, self.classes_),
            check_finite={0: "X"},
            name="glm-accuracy",
        )
        return float(correct / total)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        return tags
