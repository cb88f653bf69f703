"""The values of the drafted texts the buyer decides (issue 19): each is a strategy key
(DESIGN §3.4, extended), a question on the review page, and the clause parameters it fills, so
that the draft leaves « à compléter » only what the buyer alone can know.

A proposed value is shown on the review page, marked as such; it is never applied to a strategy
that does not give the key (a file or the API): the draft then keeps its placeholder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["integer", "eur", "percent", "choice", "text"]
# Where the question is asked: with the hours clause, the criterion, another social condition,
# a consultation in lots, or an undivided one above the EU threshold.
When = Literal["clause", "criterion", "conditions", "lots", "no_lots", "framework"]
PROPOSED = "valeur proposée par Clauses, sans source publiée : à ajuster avec le facilitateur"


@dataclass(frozen=True)
class TextParameter:
    key: str  # the strategy key; « criterion_subweights.tutoring » for a nested one
    label: str
    kind: Kind
    fills: tuple[str, ...]  # the clause parameters it gives a value to
    when: When
    proposed: int | float | str | None = None
    minimum: float = 0
    maximum: float = 0
    choices: tuple[str, ...] = ()
    unit: str = ""
    help: str = ""

    @property
    def field(self) -> str:
        """Its id on the review page."""
        return self.key.replace(".", "-")


FREQUENCIES = ("mensuelle", "trimestrielle", "semestrielle", "annuelle")
SUBWEIGHTS = ("tutoring", "training", "pathway", "means")

TEXT_PARAMETERS = (
    TextParameter(
        "contact_deadline_days",
        "Délai de prise de contact avec le facilitateur après la notification",
        "integer",
        ("contact_deadline_days",),
        "clause",
        proposed=15,
        minimum=1,
        maximum=90,
        unit="jours",
    ),
    TextParameter(
        "reporting_frequency",
        "Périodicité des justificatifs et du tableau de suivi",
        "choice",
        ("reporting_frequency",),
        "conditions",
        proposed="trimestrielle",
        choices=FREQUENCIES,
    ),
    TextParameter(
        "final_report_deadline_days",
        "Délai de remise du bilan final après la fin du marché",
        "integer",
        ("final_report_deadline_days",),
        "clause",
        proposed=30,
        minimum=1,
        maximum=180,
        unit="jours",
    ),
    TextParameter(
        "penalty_reporting_eur_per_day",
        "Pénalité par jour de retard de transmission des justificatifs",
        "eur",
        ("penalty_reporting_eur",),
        "conditions",
        minimum=0,
        maximum=100_000,
        unit="€",
        help="Fixée par l’acheteur : aucune valeur de référence publiée.",
    ),
    TextParameter(
        "memo_max_pages",
        "Nombre maximal de pages du mémoire d’insertion",
        "integer",
        ("memo_max_pages",),
        "criterion",
        proposed=6,
        minimum=1,
        maximum=50,
        unit="pages",
    ),
    *(
        TextParameter(
            f"criterion_subweights.{name}",
            label,
            "percent",
            (f"weight_{name}",),
            "criterion",
            proposed=proposed,
            minimum=0,
            maximum=100,
            unit="% de la note du critère",
        )
        for name, label, proposed in (
            ("tutoring", "Poids du sous-critère « tutorat »", 30),
            ("training", "Poids du sous-critère « formation »", 30),
            ("pathway", "Poids du sous-critère « parcours »", 20),
            ("means", "Poids du sous-critère « moyens dédiés au marché »", 20),
        )
    ),
    TextParameter(
        "max_lots_per_candidate",
        "Nombre maximal de lots qu’un même candidat peut obtenir",
        "integer",
        ("max_lots_per_candidate",),
        "lots",
        minimum=1,
        maximum=1000,
        unit="lots",
        help="Laissé vide : pas de limite, un candidat peut obtenir tous les lots.",
    ),
    TextParameter(
        "order_floor_eur",
        "Accord-cadre : montant HT d’un bon de commande en dessous duquel aucune heure n’est due",
        "eur",
        ("order_floor_eur",),
        "framework",
        minimum=0,
        maximum=1_000_000,
        unit="€ HT",
        help="Facultatif. Laissé vide : toute commande entre dans le calcul des heures dues.",
    ),
    TextParameter(
        "non_allotment_reason",
        "Motivation du non-allotissement",
        "text",
        ("non_allotment_reason",),
        "no_lots",
        maximum=2000,
        help="Pourquoi le marché n’est pas divisé en lots (L2113-11, R2113-3, à vérifier).",
    ),
)
BY_KEY = {p.key: p for p in TEXT_PARAMETERS}
