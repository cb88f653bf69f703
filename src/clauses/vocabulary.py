"""The French labels of the project's values, in one place for the CLI, the web, the advice and
the drafts. Keyed by the values of the enums (StrEnum members look them up as themselves), so this
module imports nothing of the project and every model may use it.

An enum whose members carry their label (``.label``) is a :class:`Labelled`: it names its table
once. The vocabulary of a dossier's life and of the accounts (:class:`Stage`,
:class:`DossierStatus`, :class:`Move`, :class:`Role`) is defined here, each member labelled: the
store keeps their values (the same strings as ever), :mod:`clauses.lifecycle` reasons on them,
the web shows their labels — none of them imports another for it."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar

# A dossier's title (by default its objet du marché), as the store keeps it.
TITLE_MAX = 200


class Labelled(StrEnum):
    """An enum whose members have a French label, read in the table the enum is given once:
    ``class Nature(Labelled, labels=NATURE_LABELS)``. The table is keyed by the values or by the
    members themselves (a StrEnum member looks itself up as its value).

    The table is a class keyword rather than an attribute of the class body, where mypy would
    take it for a member's value and type every ``.value`` of the enum as a mere ``str``."""

    __labels__: ClassVar[Mapping[Any, str]]

    def __init_subclass__(cls, *, labels: Mapping[Any, str] | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if labels is not None:
            cls.__labels__ = labels

    @property
    def label(self) -> str:
        return self.__labels__[self]


class DossierStatus(Labelled):
    """Archiving hides a dossier at any stage (:class:`Stage`)."""

    draft = "draft"
    archived = "archived"


class Stage(Labelled):
    """Where the dossier is in its life (DESIGN §6; the moves are in :mod:`clauses.lifecycle`).
    Archiving (``status``) is apart: it hides a dossier at any stage."""

    draft = "draft"
    published = "published"
    awarded = "awarded"
    in_execution = "in_execution"
    closed = "closed"


class Move(StrEnum):
    """A move from one :class:`Stage` to another (the rules are in :mod:`clauses.lifecycle`)."""

    publish = "publish"
    unpublish = "unpublish"
    award = "award"
    start = "start"
    close = "close"
    reopen = "reopen"

    @property
    def action(self) -> str:
        """The move as the dossier's history names it (the audit trail's « action »)."""
        return MOVE_ACTIONS[self]


class Role(Labelled):
    """Accounts (DESIGN §3.5). Roles are cumulative: each one can do all the roles below it can."""

    acheteur = "acheteur"
    referent = "referent"
    admin = "admin"

    @property
    def rank(self) -> int:
        """1 for the least role: a role may what every role of a lower rank may."""
        return ROLE_RANK[self]


STATUS_LABELS = {DossierStatus.draft: "en cours", DossierStatus.archived: "archivé"}
STAGE_LABELS = {
    Stage.draft: "brouillon",
    Stage.published: "publié",
    Stage.awarded: "attribué",
    Stage.in_execution: "en exécution",
    Stage.closed: "clos",
}
MOVE_ACTIONS = {
    Move.publish: "Publication de la consultation",
    Move.unpublish: "Retour au brouillon",
    Move.award: "Attribution",
    Move.start: "Début de l’exécution",
    Move.close: "Clôture du marché",
    Move.reopen: "Réouverture du marché",
}
ROLE_RANK = {Role.acheteur: 1, Role.referent: 2, Role.admin: 3}
ROLE_LABELS = {Role.acheteur: "acheteur", Role.referent: "référent", Role.admin: "administrateur"}
# Keyed by their members, these three tables can only be given to their enums once both exist
# (the others are given as ``labels=``).
DossierStatus.__labels__ = STATUS_LABELS
Stage.__labels__ = STAGE_LABELS
Role.__labels__ = ROLE_LABELS

NATURE_LABELS = {"works": "travaux", "supplies": "fournitures", "services": "services"}
BUYER_LABELS = {
    "region": "Région",
    "department": "Département",
    "municipality": "Commune ou EPCI",
    "state": "État",
    "other": "Autre acheteur",
}
# A framework agreement's orders, by how it is executed (AgreementKind): one order, the orders.
ORDER_UNITS = {"purchase_orders": "bon de commande", "subsequent_contracts": "marché subséquent"}
EXECUTION_MODES = {
    "purchase_orders": "bons de commande",
    "subsequent_contracts": "marchés subséquents",
}
OFFER_LABELS = {
    "unknown": "inconnue",
    "none": "aucune",
    "some": "quelques structures",
    "many": "nombreuses structures",
}
LEVEL_LABELS = {"recommended": "recommandé", "possible": "possible", "discouraged": "déconseillé"}
REGIME_LABELS = {
    "no_procedure": "achat sans publicité ni mise en concurrence préalables (R2122-8)",
    "adapted": "procédure adaptée",
    "formalised": "procédure formalisée",
}
# The parameters of the hours formula, as the advice, the report and the profile errors name them.
PARAMETER_LABELS = {
    "labour_share": "part de main-d’œuvre",
    "insertion_rate": "taux d’insertion",
    "hourly_cost_eur": "coût horaire chargé",
}
# The kinds of structures (DOMAIN §7), as the clause texts of the library name them.
STRUCTURE_LABELS = {
    "EI": "EI (entreprise d’insertion)",
    "AI": "AI (association intermédiaire)",
    "ACI": "ACI (atelier et chantier d’insertion)",
    "ETTI": "ETTI (entreprise de travail temporaire d’insertion)",
    "EITI": "EITI (entreprise d’insertion par le travail indépendant)",
    "GEIQ": "GEIQ (groupement d’employeurs pour l’insertion et la qualification)",
    "EA": "EA (entreprise adaptée)",
    "EATT": "EATT (entreprise adaptée de travail temporaire)",
    "ESAT": "ESAT (établissement et service d’aide par le travail)",
    "prison": "Opérateur employant des personnes détenues",
    "ESS": "Entreprise de l’économie sociale et solidaire",
    "any_company": "Toute entreprise",
}
# The structures a reservation is for, as the reasons name them (« Activité courante des … »).
RESERVATION_KINDS = {
    "reserved_disability": "EA et ESAT",
    "reserved_insertion": "SIAE",
}
# Who may bid on a reserved perimeter, after « réservé aux ».
RESERVED_TO = {
    "reserved_disability": "EA et ESAT",
    "reserved_insertion": "SIAE",
    "reserved_both": "EA, ESAT et SIAE",
    "reserved_prison": "opérateurs employant des personnes détenues",
    "reserved_ess": "entreprises de l’ESS",
}
