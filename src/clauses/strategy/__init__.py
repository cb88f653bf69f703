"""The buyer's decisions (DESIGN §3.4), between the advice and the draft."""

from clauses.strategy.model import (
    Derogation,
    Facilitator,
    HoursLine,
    ResolvedMechanism,
    ResolvedStrategy,
    RetainedMechanism,
    Strategy,
    StrategyError,
)

__all__ = [
    "Derogation",
    "Facilitator",
    "HoursLine",
    "ResolvedMechanism",
    "ResolvedStrategy",
    "RetainedMechanism",
    "Strategy",
    "StrategyError",
]
