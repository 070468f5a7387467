"""Data tables for the normalizers (package data, read with importlib.resources)."""
