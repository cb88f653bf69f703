"""The French labels of the project's values, in one place for the CLI, the web, the advice and
the drafts. Keyed by the values of the enums (StrEnum members look them up as themselves), so this
module imports nothing and every model may use it."""

from __future__ import annotations

NATURE_LABELS = {"works": "travaux", "supplies": "fournitures", "services": "services"}
BUYER_LABELS = {
    "region": "Région",
    "department": "Département",
    "municipality": "Commune ou EPCI",
    "state": "État",
    "other": "Autre acheteur",
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
