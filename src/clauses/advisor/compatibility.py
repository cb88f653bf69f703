"""Which mechanisms may be retained together: the rules of ``clause_library/compatibility.yaml``.

One place for these rules: the strategy refuses a buyer's choice that breaks one, and
:func:`clauses.advisor.advise` never leaves two mechanisms « recommandé » that break one. Pure:
the selections and the library in, the conflicts out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clauses.library import Library
from clauses.library.models import CompatibilityRule, CompatibilityScope, MechanismId


@dataclass(frozen=True)
class Selection:
    mechanism: MechanismId
    lots: tuple[int, ...] = ()  # 1-based lot numbers; () = the whole contract


@dataclass(frozen=True)
class Conflict:
    index: int  # index in ``selections`` of the selection refused (the later one of a pair)
    rule: str  # id of the rule in clause_library/compatibility.yaml
    message: str  # French, names both mechanisms


def lots_text(lots: Sequence[int]) -> str:
    """« le lot 2 », « les lots 1 et 3 », « les lots 1, 2 et 4 »."""
    numbers = [str(n) for n in sorted(lots)]
    if len(numbers) == 1:
        return f"le lot {numbers[0]}"
    return f"les lots {', '.join(numbers[:-1])} et {numbers[-1]}"


def _meet(rule: CompatibilityRule, first: Selection, second: Selection) -> tuple[int, ...] | None:
    """The lots where the two selections meet under the rule's scope (() for the whole
    contract), or None when they do not meet."""
    common = tuple(sorted(set(first.lots) & set(second.lots)))
    whole = (not first.lots, not second.lots)
    match rule.scope:
        case CompatibilityScope.whole_contract:
            return () if all(whole) else None
        case CompatibilityScope.same_lot:
            return common or None
        case CompatibilityScope.whole_and_lots:
            if whole[0] != whole[1]:
                return first.lots or second.lots
            return None
        case CompatibilityScope.overlapping:
            if any(whole):
                return first.lots or second.lots
            return common or None


def conflicts(selections: Sequence[Selection], library: Library) -> list[Conflict]:
    """Each selection refused because an earlier one breaks a rule with it (once per rule)."""
    found: list[Conflict] = []
    for j, second in enumerate(selections):
        for rule in library.compatibility.rules:
            for first in selections[:j]:
                if not rule.opposes(first.mechanism, second.mechanism):
                    continue
                lots = _meet(rule, first, second)
                if lots is None:
                    continue
                message = rule.message.format(
                    first=library.mechanisms[first.mechanism].title,
                    second=library.mechanisms[second.mechanism].title,
                    lots=lots_text(lots) if lots else "le marché entier",
                )
                found.append(Conflict(index=j, rule=rule.id, message=message))
                break
    return found
