"""Blocking, pairwise comparison, Fellegi-Sunter scoring and clustering, on columns."""
