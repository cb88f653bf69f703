"""The advisor: which social-clause mechanisms fit a tender, sized and explained."""

from clauses.advisor.advise import advise
from clauses.advisor.model import Advice, Level, Recommendation, Regime

__all__ = ["Advice", "Level", "Recommendation", "Regime", "advise"]
