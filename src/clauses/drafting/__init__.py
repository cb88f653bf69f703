"""The drafter: a Word document of social clauses for one tender, from the advice and the library."""

from clauses.drafting.draft import Draft, SectionError, check_sections, draft, parse_sections
from clauses.drafting.practices import AttachedPractice, choose_practices
from clauses.drafting.sections import SECTION_IDS, SECTION_TITLES
from clauses.drafting.template import TemplateError

__all__ = [
    "SECTION_IDS",
    "SECTION_TITLES",
    "AttachedPractice",
    "Draft",
    "SectionError",
    "TemplateError",
    "check_sections",
    "choose_practices",
    "draft",
    "parse_sections",
]
