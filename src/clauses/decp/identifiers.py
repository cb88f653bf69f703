"""The identifiers and values a DECP must carry for the ministry's consolidation to keep the
contract (DOMAIN §9: 139bercy/decp-arr2022, ``augmente/nettoyage.py``, sets aside a contract
whose SIRET fails the Luhn key, whose ``id`` breaks its pattern, whose holder id breaks the
pattern of its type, or whose ``montant`` exceeds 3 billion €).

Checks only; the messages are French and name the field, as every refusal of the award does.
"""

from __future__ import annotations

import re

# ``check_id_format``: « Champ id au mauvais format ».
CONTRACT_ID = re.compile(r"^[A-Za-z0-9/\-_ .#]{1,16}$")
CONTRACT_ID_WORDS = (
    "1 à 16 caractères parmi les lettres sans accent, les chiffres, l’espace et « / - _ . # »"
)
# ``check_montant``: « Valeur du champ montant trop élevée » above 3 000 000 000.
AMOUNT_MAX = 3_000_000_000
# ``check_siret_ext_index``, by holder id type (TVA: the ministry checks no pattern).
HOLDER_PATTERNS = {
    "TAHITI": (re.compile(r"^[a-zA-Z0-9]{9}$"), "9 lettres ou chiffres (numéro TAHITI)"),
    "RIDET": (re.compile(r"^[a-zA-Z0-9]{10}$"), "10 lettres ou chiffres (numéro RIDET)"),
    "FRWF": (re.compile(r"^FRWF[a-zA-Z0-9]{14}$"), "« FRWF » suivi de 14 lettres ou chiffres"),
    "IREP": (re.compile(r"^[0-9]{5}[a-zA-Z0-9]*$"), "5 chiffres puis des lettres ou chiffres"),
    "HORS-UE": (
        re.compile(r"^[A-Z]{2}[a-zA-Z0-9]{0,16}$"),
        "code pays en 2 majuscules suivi d’au plus 16 lettres ou chiffres, sans espace ni tiret",
    ),
}
# La Poste: its establishments' SIRETs are not Luhn numbers; the sum of their digits is a
# multiple of 5 (python-stdnum ``fr.siret``; its head office's SIRET is an ordinary one).
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"


def luhn_ok(digits: str) -> bool:
    """The Luhn key of SIREN and SIRET numbers (digits only)."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret_ok(siret: str) -> bool:
    """A SIRET as the Sirene register issues them: 14 digits, its SIREN (9 first digits) and
    itself passing the Luhn key; La Poste's establishments by their digit sum."""
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_HEAD_OFFICE:
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret) and luhn_ok(siret[:9])


def siret_problem(siret: str, what: str) -> str | None:
    """Why ``siret`` is not one (French, naming ``what``: « le SIRET de l’acheteur »), or None."""
    if len(siret) != 14 or not siret.isdigit():
        return f"{what} compte 14 chiffres, sans espace"
    if not siret_ok(siret):
        return (
            f"{what} n’est pas un numéro SIRET valide : sa clé de contrôle (formule de Luhn) "
            "est fausse ; vérifiez chaque chiffre"
        )
    return None


def contract_id_problem(value: str, what: str) -> str | None:
    """Why ``value`` cannot be a DECP ``id`` (French, naming ``what``), or None."""
    if CONTRACT_ID.match(value):
        return None
    return f"{what} : {CONTRACT_ID_WORDS} (format des données essentielles)"


def holder_id_problem(id_type: str, value: str, what: str) -> str | None:
    """Why ``value`` is not an identifier of ``id_type`` (French, naming ``what``), or None."""
    if id_type == "SIRET":
        return siret_problem(value, what)
    pattern = HOLDER_PATTERNS.get(id_type)
    if pattern is None or pattern[0].match(value):
        return None
    return f"{what} de type {id_type} : {pattern[1]}"
