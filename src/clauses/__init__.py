"""Clauses: social-clause procurement assistant for French regional councils."""

__version__ = "0.1.0"
