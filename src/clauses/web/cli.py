"""``clauses serve`` (registered by :mod:`clauses.cli`)."""

from __future__ import annotations

import argparse


def add_serve_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the serve command; filled in with the web application."""
