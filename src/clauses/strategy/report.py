"""The resolved strategy as readable French text (after the advice in ``clauses advise``)."""

from __future__ import annotations

from clauses import french
from clauses.advisor.model import LEVEL_LABELS
from clauses.profile import TenderProfile
from clauses.strategy.model import ResolvedStrategy, StrategyError


def where(lots: list[int], profile: TenderProfile) -> str:
    """« tout le marché » or « lots 1 (Gros œuvre), 3 (Peinture) »."""
    if not lots:
        return "tout le marché"
    names = ", ".join(f"{n} ({profile.lots[n - 1].title})" for n in lots)
    return f"lot{'s' if len(lots) > 1 else ''} {names}"


def strategy_report(resolved: ResolvedStrategy, profile: TenderProfile) -> str:
    lines = ["Stratégie retenue"]
    if not resolved.mechanisms:
        lines.append("  Aucun mécanisme retenu.")
    for m in resolved.mechanisms:
        weight = (
            f", pondération {french.number(m.weight_percent, 1)} %"
            if m.weight_percent is not None
            else ""
        )
        option = f" — {m.option_title}" if m.option_title else ""
        lines.append(
            f"  • {m.title}{option} ({LEVEL_LABELS[m.level]}) : {where(m.lots, profile)}{weight}"
        )
        lines.extend(f"    – {why}" for why in m.why)
        lines.extend(f"    ⚠ {w}" for w in m.warnings)
    lines.extend(f"  ⚠ {note}" for note in resolved.plan_notes)
    if resolved.framework:  # a framework agreement: hours per 1 000 € ordered (issue 22)
        lines.append("  Heures d’insertion (accord-cadre) : selon les commandes")
        for line in resolved.hours:
            label = f"lot {line.lot} ({line.title})" if line.lot else line.title
            lines.append(
                f"    – {label} : {french.number(line.hours_per_1000_eur or 0, 2)} h par tranche "
                f"de 1 000 € HT commandés ({french.hours(line.hours_at_minimum or 0)} au "
                f"minimum, {french.hours(line.hours)} au maximum)"
            )
        if resolved.order_floor_eur:
            lines.append(
                f"    Bons de commande de moins de {french.eur(resolved.order_floor_eur)} HT : "
                "aucune heure due"
            )
    elif resolved.hours:
        lines.append(f"  Heures d’insertion : {french.hours(resolved.total_hours)}")
        for line in resolved.hours:
            label = f"lot {line.lot} ({line.title})" if line.lot else line.title
            mark = " (modifié)" if line.overridden else ""
            lines.append(f"    – {label} : {french.hours(line.hours)}{mark}")
        if resolved.hours_override_reason:
            lines.append(f"    Motif de la modification : {resolved.hours_override_reason}")
    if resolved.penalty_eur_per_hour is not None:
        lines.append(
            f"  Pénalité par heure non réalisée : {french.eur(resolved.penalty_eur_per_hour)}"
        )
    facilitator = resolved.facilitator
    if facilitator:
        parts = [
            p
            for p in (
                facilitator.name,
                facilitator.organisation,
                facilitator.email,
                facilitator.phone,
            )
            if p
        ]
        lines.append(f"  Facilitateur : {', '.join(parts)}")
    if resolved.ccap_article:
        lines.append(f"  Article du CCAP : {resolved.ccap_article}")
    if resolved.derogation:
        lines.append(
            f"  Dérogation à L2112-2-1 (à vérifier) : {resolved.derogation.ground} — "
            f"{resolved.derogation.justification}"
        )
    lines.append(f"  DECP considerationsSociales : {', '.join(resolved.decp_social)}")
    return french.typography("\n".join(lines)) + "\n"


def errors_text(errors: list[StrategyError]) -> str:
    return "\n  ".join(f"{e.key} : {e.message}" for e in errors)
