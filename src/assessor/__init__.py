"""Assessor: score evidence of skill against versioned rubrics, offline first."""

__version__ = "0.1.0"
