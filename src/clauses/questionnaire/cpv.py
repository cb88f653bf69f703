"""CPV 2008 nomenclature: find a code by its digits or by words of its French label.

Read from the CSV named by ``CLAUSES_CPV_FILE`` when present; without it the wizard still takes a
code, checked for its format only.

The search is meant for what buyers type (« nettoyage de locaux », « espaces verts ») rather than
for the nomenclature's wording: words in any order, accents, case and plurals folded, a word that
is not in any label does not empty the list (the labels that have most of the words come first),
and among equal matches the codes of the contract's nature come first, then the codes whose
sector the advisor knows (its sizing defaults apply), then the most general codes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from clauses.library.models import SearchTerm
from clauses.library.search import fold, groups_of, stem, words_of

__all__ = ["CpvCatalogue", "CpvEntry", "fold", "nature_of", "stem", "words_of"]

CODE_RE = re.compile(r"^\s*([0-9]{8}(?:-[0-9])?)\b")
CODE_TYPED = re.compile(r"^\s*[0-9][0-9\s-]*$")
# Words of almost every label of a division: they do not count as words left unmatched.
GENERIC_WORDS = frozenset(["service", "travail", "traval", "produit", "fourniture", "materiel"])


def nature_of(code8: str) -> str:
    """The contract nature of a CPV division: 45 works, 03 to 44 and 48 supplies, else services."""
    division = int(code8[:2])
    if division == 45:
        return "works"
    if division <= 44 or division == 48:
        return "supplies"
    return "services"


@dataclass(frozen=True)
class CpvEntry:
    code: str  # with its check digit, e.g. 45214220-8
    code8: str
    label: str
    level: int
    folded: str
    words: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class CodeCheck:
    """A code typed, read against the nomenclature."""

    entry: CpvEntry | None  # the code's 8 digits in the nomenclature
    wrong_check_digit: bool  # typed with a check digit other than the official one


class CpvCatalogue:
    def __init__(self, entries: list[CpvEntry]) -> None:
        self.entries = [
            e
            if e.words
            else CpvEntry(e.code, e.code8, e.label, e.level, e.folded, words_of(e.label))
            for e in entries
        ]
        self._by_code8 = {e.code8: e for e in self.entries}

    @classmethod
    def load(cls, path: Path) -> CpvCatalogue:
        if not path.is_file():
            return cls([])
        with path.open(encoding="utf-8", newline="") as source:
            entries = [
                CpvEntry(
                    code=row["code"],
                    code8=row["code8"],
                    label=row["label_fr"],
                    level=int(row["level"] or 0),
                    folded=fold(row["label_fr"]),
                    words=words_of(row["label_fr"]),
                )
                for row in csv.DictReader(source)
            ]
        return cls(entries)

    @property
    def available(self) -> bool:
        return bool(self.entries)

    def find(self, code: str | None) -> CpvEntry | None:
        if not code:
            return None
        match = CODE_RE.match(code)
        return self._by_code8.get(match.group(1)[:8]) if match else None

    def check(self, code: str | None) -> CodeCheck:
        """The code's entry, and whether its check digit is the nomenclature's (the check digit
        is not recomputed: the official one is the one listed with the code)."""
        entry = self.find(code)
        match = CODE_RE.match(code or "")
        typed = match.group(1) if match else ""
        return CodeCheck(entry, bool(entry and "-" in typed and typed != entry.code))

    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        nature: str | None = None,
        known_sector: Callable[[str], bool] | None = None,
        terms: Iterable[SearchTerm] = (),
    ) -> list[CpvEntry]:
        """Codes starting with the digits typed, or the labels that have the words typed.

        ``nature`` (works, supplies, services) puts the codes of that nature first;
        ``known_sector(code)`` tells the codes whose sector the advisor sizes; ``terms`` (the
        library's ``search.yaml``) read a buyer's words (« lycée ») as the labels write them and
        put the codes they name first.
        """
        query = query.strip()
        if not query:
            return []
        digits = query.replace(" ", "").split("-")[0]
        if digits.isdigit():
            hits = [e for e in self.entries if e.code8.startswith(digits)]
            return sorted(hits, key=lambda e: (e.level, e.code8))[:limit]
        groups = groups_of(query, terms)
        if not groups:
            return []
        # The codes the terms typed name, in their order: first, among equal matches.
        named: dict[str, int] = {}
        for group in groups:
            for position, code in enumerate(group.codes):
                named[code] = min(named.get(code, position), position)
        scored = []
        for entry in self.entries:
            matched = [
                g for g in groups if (g.codes and entry.code in g.codes) or g.matches(entry.words)
            ]
            if not matched:
                continue
            exact = sum(1 for g in matched if g.matches_exactly(entry.words))
            # The head noun comes first in a French label (« nettoyage de bureaux »): a label
            # whose head is a word typed is about it, not about something next to it.
            heads = [w for w in entry.words if w not in GENERIC_WORDS]
            head = next(
                (i for i, word in enumerate(heads) if any(g.matches((word,)) for g in matched)),
                len(heads),
            )
            scored.append(
                (
                    -len(matched),
                    bool(nature) and nature_of(entry.code8) != nature,
                    named.get(entry.code, len(named) + 1),
                    -exact,
                    head,
                    known_sector is not None and not known_sector(entry.code),
                    entry.level,
                    entry.code8,
                    entry,
                )
            )
        scored.sort(key=lambda s: s[:8])
        return [s[-1] for s in scored[:limit]]


def looks_like_words(text: str) -> bool:
    """A CPV answer typed as words (« nettoyage ») rather than as a code: a search to run."""
    text = text.strip()
    return bool(text) and not CODE_TYPED.match(text) and not CODE_RE.match(text)


def normalise_code(text: str) -> str:
    """« 45214220-8 Travaux de … » (a pasted suggestion) → « 45214220-8 »; other text as typed."""
    match = CODE_RE.match(text)
    return match.group(1) if match else text.strip()
