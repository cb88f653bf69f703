"""The DECP 2.0.3 enumerations: what the buyer chooses is what the open data declares (the
values of the award's choices, :data:`clauses.decp.fields.FIELDS`)."""

from __future__ import annotations

from enum import StrEnum

from clauses.library.models import DecpEnvironmental
from clauses.profile import Nature


class Procedure(StrEnum):
    adapted = "Procédure adaptée"
    open = "Appel d'offres ouvert"
    restricted = "Appel d'offres restreint"
    negotiated = "Procédure avec négociation"
    no_publicity = "Marché passé sans publicité ni mise en concurrence préalable"
    dialogue = "Dialogue compétitif"


class Technique(StrEnum):
    framework = "Accord-cadre"
    contest = "Concours"
    qualification = "Système de qualification"
    dynamic = "Système d'acquisition dynamique"
    catalogue = "Catalogue électronique"
    auction = "Enchère électronique"
    none = "Sans objet"


class ExecutionModality(StrEnum):
    tranches = "Tranches"
    orders = "Bons de commande"
    subsequent = "Marchés subséquents"
    none = "Sans objet"


class Ccag(StrEnum):
    works = "Travaux"
    project_management = "Maitrise d'œuvre"
    supplies_services = "Fournitures courantes et services"
    industrial = "Marchés industriels"
    intellectual = "Prestations intellectuelles"
    it = "Techniques de l'information et de la communication"
    none = "Pas de CCAG"


class PriceForm(StrEnum):
    unit = "Unitaire"
    lump_sum = "Forfaitaire"
    mixed = "Mixte"


class PriceType(StrEnum):
    firm = "Définitif ferme"
    updatable = "Définitif actualisable"
    revisable = "Définitif révisable"
    provisional = "Provisoire"


class PlaceType(StrEnum):
    postcode = "Code postal"
    commune = "Code commune"
    arrondissement = "Code arrondissement"
    canton = "Code canton"
    department = "Code département"
    region = "Code région"
    country = "Code pays"


class HolderIdType(StrEnum):
    siret = "SIRET"
    vat = "TVA"
    tahiti = "TAHITI"
    ridet = "RIDET"
    frwf = "FRWF"
    irep = "IREP"
    non_eu = "HORS-UE"


class Grouping(StrEnum):
    joint = "Conjoint"
    several = "Solidaire"
    none = "Pas de groupement"


class ContractNature(StrEnum):
    contract = "Marché"
    partnership = "Marché de partenariat"
    defence = "Marché de défense ou de sécurité"


# The environmental considerations are the library's (one enumeration for the advice, the
# indicators and the award).
Environmental = DecpEnvironmental

CCAG_BY_NATURE = {
    Nature.works: Ccag.works,
    Nature.supplies: Ccag.supplies_services,
    Nature.services: Ccag.supplies_services,
}
