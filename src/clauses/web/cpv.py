"""CPV 2008 nomenclature: find a code by its digits or by words of its French label.

Read from the CSV named by ``CLAUSES_CPV_FILE`` when present; without it the wizard still takes a
code, checked for its format only.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

CODE_RE = re.compile(r"^\s*([0-9]{8}(?:-[0-9])?)\b")


def fold(text: str) -> str:
    """Lower case without accents, for matching « elagage » with « Élagage »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class CpvEntry:
    code: str  # with its check digit, e.g. 45214220-8
    code8: str
    label: str
    level: int
    folded: str


class CpvCatalogue:
    def __init__(self, entries: list[CpvEntry]) -> None:
        self.entries = entries
        self._by_code8 = {e.code8: e for e in entries}

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

    def search(self, query: str, limit: int = 20) -> list[CpvEntry]:
        """Codes starting with the digits typed, or labels containing every word typed."""
        query = query.strip()
        if not query:
            return []
        digits = query.replace(" ", "").split("-")[0]
        if digits.isdigit():
            hits = [e for e in self.entries if e.code8.startswith(digits)]
            return sorted(hits, key=lambda e: (e.level, e.code8))[:limit]
        words = [w for w in re.split(r"[\s,;’']+", fold(query)) if len(w) > 1]
        if not words:
            return []
        hits = [e for e in self.entries if all(w in e.folded for w in words)]
        return sorted(hits, key=lambda e: (e.level, e.code8))[:limit]


def normalise_code(text: str) -> str:
    """« 45214220-8 Travaux de … » (a pasted suggestion) → « 45214220-8 »; other text as typed."""
    match = CODE_RE.match(text)
    return match.group(1) if match else text.strip()
