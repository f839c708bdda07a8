"""dask-ml's submodule import paths: ``dask_ml.preprocessing.data``, ``.label`` and
``dask_ml.linear_model.glm`` give the very classes of the public packages."""

import importlib

import pytest

import dask_scale.cluster
import dask_scale.decomposition
import dask_scale.linear_model
import dask_scale.preprocessing

# the classes each dask-ml submodule defines (dask-ml 2025.1)
PATHS = {
    "dask_scale.preprocessing.data": (
        dask_scale.preprocessing,
        [
            "Categorizer", "DummyEncoder", "MinMaxScaler", "OrdinalEncoder",
            "PolynomialFeatures", "QuantileTransformer", "RobustScaler", "StandardScaler",
        ],
    ),
    "dask_scale.preprocessing.label": (dask_scale.preprocessing, ["LabelEncoder"]),
    "dask_scale.linear_model.glm": (
        dask_scale.linear_model,
        ["LinearRegression", "LogisticRegression", "PoissonRegression"],
    ),
    "dask_scale.decomposition.pca": (dask_scale.decomposition, ["PCA"]),
    "dask_scale.decomposition.truncated_svd": (dask_scale.decomposition, ["TruncatedSVD"]),
    "dask_scale.decomposition.incremental_pca": (dask_scale.decomposition, ["IncrementalPCA"]),
    "dask_scale.cluster.spectral": (dask_scale.cluster, ["SpectralClustering"]),
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_dask_ml_submodule_paths_give_the_public_classes(path):
    module = importlib.import_module(path)
    package, names = PATHS[path]
    assert sorted(module.__all__) == sorted(names)
    for name in names:
        assert getattr(module, name) is getattr(package, name), name
    assert "dask-ml" in module.__doc__


def test_from_import_statements():
    from dask_scale.linear_model.glm import LogisticRegression
    from dask_scale.preprocessing import LabelEncoder as PublicLabelEncoder
    from dask_scale.preprocessing import StandardScaler as PublicStandardScaler
    from dask_scale.preprocessing.data import StandardScaler
    from dask_scale.preprocessing.label import LabelEncoder

    assert StandardScaler is PublicStandardScaler
    assert LabelEncoder is PublicLabelEncoder
    assert LogisticRegression is dask_scale.linear_model.LogisticRegression
