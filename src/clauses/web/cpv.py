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
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CODE_RE = re.compile(r"^\s*([0-9]{8}(?:-[0-9])?)\b")
CODE_TYPED = re.compile(r"^\s*[0-9][0-9\s-]*$")
WORD_SPLIT = re.compile(r"[^0-9a-z]+")
# Words that do not tell one label from another.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "autres",
        "autre",
        "divers",
    ]
)
# Words of almost every label of a division: they do not count as words left unmatched.
GENERIC_WORDS = frozenset(["service", "travail", "traval", "produit", "fourniture", "materiel"])


def fold(text: str) -> str:
    """Lower case without accents, for matching « elagage » with « Élagage »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe")


def stem(word: str) -> str:
    """A folded word without its plural mark: « bureaux » → « bureau », « locaux » → « local »,
    « verts » → « vert ». Applied to the labels and to the query alike, so only consistency
    matters."""
    if len(word) > 4 and word.endswith("eaux"):
        return word[:-1]
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def words_of(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in WORD_SPLIT.split(fold(text)) if w and w not in STOP_WORDS)


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
    ) -> list[CpvEntry]:
        """Codes starting with the digits typed, or the labels that have the words typed.

        ``nature`` (works, supplies, services) puts the codes of that nature first;
        ``known_sector(code)`` tells the codes whose sector the advisor sizes.
        """
        query = query.strip()
        if not query:
            return []
        digits = query.replace(" ", "").split("-")[0]
        if digits.isdigit():
            hits = [e for e in self.entries if e.code8.startswith(digits)]
            return sorted(hits, key=lambda e: (e.level, e.code8))[:limit]
        wanted = set(words_of(query))
        if not wanted:
            return []
        scored = []
        for entry in self.entries:
            matched = {w for w in wanted if any(word.startswith(w) for word in entry.words)}
            if not matched:
                continue
            exact = len(wanted.intersection(entry.words))
            # The head noun comes first in a French label (« nettoyage de bureaux »): a label
            # whose head is a word typed is about it, not about something next to it.
            heads = [w for w in entry.words if w not in GENERIC_WORDS]
            head = next(
                (i for i, word in enumerate(heads) if any(word.startswith(w) for w in matched)),
                len(heads),
            )
            scored.append(
                (
                    -len(matched),
                    -exact,
                    bool(nature) and nature_of(entry.code8) != nature,
                    head,
                    known_sector is not None and not known_sector(entry.code),
                    entry.level,
                    entry.code8,
                    entry,
                )
            )
        scored.sort(key=lambda s: s[:7])
        return [s[-1] for s in scored[:limit]]


def looks_like_words(text: str) -> bool:
    """A CPV answer typed as words (« nettoyage ») rather than as a code: a search to run."""
    text = text.strip()
    return bool(text) and not CODE_TYPED.match(text) and not CODE_RE.match(text)


def normalise_code(text: str) -> str:
    """« 45214220-8 Travaux de … » (a pasted suggestion) → « 45214220-8 »; other text as typed."""
    match = CODE_RE.match(text)
    return match.group(1) if match else text.strip()
