"""Composite transformers for column subsets of arrays and DataFrames (NumPy, pandas, dask)."""

from ._column_transformer import ColumnTransformer, make_column_transformer

__all__ = ["ColumnTransformer", "make_column_transformer"]
