"""Advice as readable French text (the default output of ``clauses advise``)."""

from __future__ import annotations

from clauses import french
from clauses.advisor.compatibility import lots_text
from clauses.advisor.model import Advice
from clauses.library import Library
from clauses.profile import TenderProfile
from clauses.vocabulary import LEVEL_LABELS, NATURE_LABELS, PARAMETER_LABELS, REGIME_LABELS

PARAMETER_FORMATS = {
    "labour_share": french.percent,
    "insertion_rate": french.percent,
    "hourly_cost_eur": french.eur,
}


def fte_text(fte: float, average: float | None) -> str:
    """« ≈ 2,9 années-ETP, 1,5 ETP en moyenne », or « moins de 0,1 année-ETP »."""
    if fte < 0.1:
        return "moins de 0,1 année-ETP"
    years = f"≈ {french.number(fte, 1)} année{'s' if fte >= 2 else ''}-ETP"
    return years if average is None else f"{years}, {french.number(average, 1)} ETP en moyenne"


def text_report(advice: Advice, profile: TenderProfile, library: Library) -> str:
    p, s = advice.procedure, advice.sizing
    lines = [
        f"Clauses sociales — {profile.title}",
        f"Bibliothèque {advice.library_version}, avis calculé le {french.date(advice.as_of)}",
        "",
        "Procédure",
        f"  {NATURE_LABELS[profile.nature].capitalize()}, montant estimé {french.eur(profile.estimated_amount_eur)} HT "
        f"sur {profile.duration_months} mois, lancement le {french.date(p.launch_date)}.",
        f"  Seuil européen applicable : {french.eur(p.eu_threshold_eur)} HT "
        f"({'atteint' if p.above_eu_threshold else 'non atteint'}).",
        f"  Régime : {REGIME_LABELS[p.regime]}.",
        "",
        "Obligations",
    ]
    for o in advice.obligations:
        mark = "s’applique" if o.applies else "ne s’applique pas"
        lines.append(f"  • {o.title} ({', '.join(o.legal_basis)}) : {mark}.")
        lines.append(f"    {o.explanation}")
        if o.met_by:
            titles = ", ".join(library.mechanisms[m].title for m in o.met_by)
            lines.append(f"    Satisfaite par : {titles}.")
        if o.derogation_grounds:
            lines.append(
                "    Aucun mécanisme recommandé n’y répond : retenez-en un ou justifiez une "
                "dérogation (motifs à vérifier par votre service juridique) :"
            )
            lines.extend(f"    – {ground}" for ground in o.derogation_grounds)
    lines += ["", "Mécanismes"]
    for r in advice.recommendations:
        former = (
            f" ; avant 2019 : {', '.join(r.former_legal_basis)}" if r.former_legal_basis else ""
        )
        lines.append(f"  • {r.title} — {LEVEL_LABELS[r.level]}")
        lines.append(f"    Base légale : {', '.join(r.legal_basis)}{former}")
        if r.per_lot:
            by_level: dict[str, list[int]] = {}
            for a in r.per_lot:
                by_level.setdefault(LEVEL_LABELS[a.level], []).append(a.lot)
            lines.append(
                "    Par lot : "
                + " ; ".join(f"{label} sur {lots_text(lots)}" for label, lots in by_level.items())
                + "."
            )
        elif r.applies_to_lots:
            lines.append(f"    Porte sur {lots_text(r.applies_to_lots)}.")
        lines.extend(f"    – {reason}" for reason in r.reasons)
    if advice.excluded:
        lines += ["", "Mécanismes exclus pour ce marché"]
        for e in advice.excluded:
            lines.append(f"  • {e.title} ({', '.join(e.legal_basis)})")
            lines.extend(f"    – {reason}" for reason in e.reasons)
    framework = s.agreement
    if framework is None:
        lines += [
            "",
            "Heures d’insertion",
            f"  {french.hours(s.hours)} ({fte_text(s.fte, s.fte_average)} ; une année-ETP = "
            f"{french.number(library.sizing.hours_per_fte)} heures)",
            f"  Formule : {s.formula}",
        ]
    else:  # a framework agreement: no fixed total, a ratio per 1 000 € ordered (issue 22)
        ratio = (
            f"{french.number(framework.hours_per_1000_eur, 2)} h par tranche de 1 000 € HT commandés ; "
            if framework.hours_per_1000_eur is not None
            else "ratio par lot ci-dessous ; "
        )
        lines += [
            "",
            "Heures d’insertion (accord-cadre : aucun total fixe)",
            f"  {ratio}{french.hours(framework.hours_at_minimum)} au montant minimum, "
            f"{french.hours(framework.hours_at_maximum)} au montant maximum",
            f"  Formule : {framework.formula}",
        ]
    for name, fmt in PARAMETER_FORMATS.items():
        adjust = " (valeur par défaut à ajuster)" if name in s.defaults_to_adjust else ""
        lines.append(f"  {PARAMETER_LABELS[name]} : {fmt(getattr(s, name))}{adjust}")
    if s.transferred_staff_weighting is not None:
        lines.append(
            f"  pondération du personnel repris P : {french.number(s.transferred_staff_weighting, 2)}"
        )
    clause = next((r for r in advice.recommendations if r.lots), None)
    if clause:
        lines.append("  Par lot :")
        for lot in clause.lots:
            if lot.hours_per_1000_eur is not None:
                lines.append(
                    f"    – {lot.title} : maximum {french.eur(lot.estimated_amount_eur)} HT, "
                    f"{french.percent(lot.labour_share)} de main-d’œuvre → "
                    f"{french.number(lot.hours_per_1000_eur, 2)} h par tranche de 1 000 € HT "
                    f"commandés ({french.hours(lot.hours_at_minimum or 0)} au minimum, "
                    f"{french.hours(lot.hours)} au maximum)"
                )
                continue
            lines.append(
                f"    – {lot.title} : {french.eur(lot.estimated_amount_eur)} HT, "
                f"{french.percent(lot.labour_share)} de main-d’œuvre → {french.hours(lot.hours)}"
            )
    decp = advice.decp
    lines += [
        "",
        "Données essentielles (DECP)",
        f"  considerationsSociales : {', '.join(decp.considerationsSociales.considerationSociale)}",
    ]
    if decp.considerationsEnvironnementales:
        values = ", ".join(decp.considerationsEnvironnementales.considerationEnvironnementale)
        lines.append(f"  considerationsEnvironnementales : {values}")
    if advice.warnings:
        lines += ["", "Points de vigilance"]
        lines.extend(f"  ⚠ {w}" for w in advice.warnings)
    return french.typography("\n".join(lines)) + "\n"
