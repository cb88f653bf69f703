"""``clauses draft`` and ``clauses draft-batch`` (registered by :mod:`clauses.cli`)."""

from __future__ import annotations

import argparse


def add_draft_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the drafting commands; filled in with the drafter."""
