"""scikit-learn's estimator checks on wrapper instances beyond tests/test_common.py's.

tests/test_common.py checks ParallelPostFit(LogisticRegression()) and
Incremental(SGDClassifier(...)); these cover the other roles a wrapped estimator can have
(transformer, regressor, stateless transformer), whose tags, available methods and scoring
follow the inner estimator. A wrapped stateless transformer (scikit-learn's requires_fit tag
False) is usable without fit, as the transformer itself is.
"""

import numpy as np
from sklearn.linear_model import SGDRegressor
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from dask_scale.preprocessing import BlockTransformer
from dask_scale.wrappers import Incremental, ParallelPostFit


@parametrize_with_checks(
    [
        ParallelPostFit(StandardScaler()),
        ParallelPostFit(SGDRegressor(random_state=0)),
        Incremental(SGDRegressor(random_state=0), random_state=0),
        ParallelPostFit(FunctionTransformer(np.abs)),
        ParallelPostFit(BlockTransformer(np.abs)),
    ]
)
def test_wrapper_instances_pass_sklearn_checks(estimator, check):
    check(estimator)
