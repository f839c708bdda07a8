"""Imputation of missing values on NumPy, pandas and dask collections."""

from ._base import SimpleImputer

__all__ = ["SimpleImputer"]
