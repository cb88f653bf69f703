"""Names of the 18 French regions by INSEE code (COG 2025), to name the buyer's region.

The full official list is reference data the application does not ship; these 18 names have not
changed since the 2016 reform. Any other code is shown as the code itself.
"""

from __future__ import annotations

REGION_NAMES = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d’Azur",
    "94": "Corse",
}


def region_label(code: str | None) -> str:
    """« Bretagne (code INSEE 53) », or the bare code when it is not a region's."""
    if not code:
        return "non renseignée"
    name = REGION_NAMES.get(code)
    return f"{name} (code INSEE {code})" if name else f"code INSEE {code}"
