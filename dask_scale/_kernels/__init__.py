"""Numba kernels: one fused pass over a NumPy block returning small arrays (no dask here)."""
