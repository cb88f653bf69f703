"""The drafter: the Word documents of social clauses for one tender, from its strategy."""

from clauses.drafting.draft import Draft, SectionError, check_sections, draft, parse_sections
from clauses.drafting.pieces import Pieces, draft_pieces
from clauses.drafting.practices import AttachedPractice, choose_practices
from clauses.drafting.sections import SECTION_IDS, SECTION_TITLES
from clauses.drafting.template import TemplateError

__all__ = [
    "SECTION_IDS",
    "SECTION_TITLES",
    "AttachedPractice",
    "Draft",
    "Pieces",
    "SectionError",
    "TemplateError",
    "check_sections",
    "choose_practices",
    "draft",
    "draft_pieces",
    "parse_sections",
]
