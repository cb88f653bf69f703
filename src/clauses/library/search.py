"""What a buyer types, read as the nomenclature and the library write it.

One reading for the three searches (CPV codes in the wizard, mechanisms, good-practice sheets):
words folded (case, accents, plurals), each word typed a *group* that a text matches when it has
the word — or, for a word of ``clause_library/search.yaml``, one of the words it stands for. The
texts that match the most groups come first; the mechanisms and sheets then by where the words
are (a short title that is the query beats a word deep in a body); the CPV codes a term names by
the order its file gives. Pure functions of the query, the terms and the texts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from clauses.library.models import Mechanism, Practice, SearchTerm

T = TypeVar("T")
WORD_SPLIT = re.compile(r"[^0-9a-z]+")
# Words that do not tell one text from another.
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


def fold(text: str) -> str:
    """Lower case without accents, for matching « elagage » with « Élagage »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe")


def stem(word: str) -> str:
    """A folded word without its plural mark: « bureaux » → « bureau », « locaux » → « local »,
    « verts » → « vert ». Applied to the texts and to the query alike, so only consistency
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


@dataclass(frozen=True)
class Group:
    """One thing typed: the words as typed, what a text may have instead, CPV codes it names."""

    typed: tuple[str, ...]
    # Each alternative: words that must all be in the text. The words typed match the start
    # of a text's word (« nettoy » finds « nettoyage ») unless they are a term of the file,
    # whose short forms (« EA ») would find too much: a term matches its own words exactly.
    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool
    codes: tuple[str, ...] = ()

    def matches(self, words: Sequence[str]) -> bool:
        return any(self._has(words, alternative) for alternative in self.alternatives)

    def matches_exactly(self, words: Sequence[str]) -> bool:
        return any(all(w in words for w in alternative) for alternative in self.alternatives)

    def _has(self, words: Sequence[str], alternative: tuple[str, ...]) -> bool:
        if self.prefix:
            return all(any(word.startswith(w) for word in words) for w in alternative)
        return all(w in words for w in alternative)


def groups_of(query: str, terms: Iterable[SearchTerm] = ()) -> list[Group]:
    """The groups of a query, the terms' phrases (« espaces verts ») read before single words."""
    words = list(words_of(query))
    phrases: list[tuple[tuple[str, ...], SearchTerm]] = sorted(
        ((words_of(typed), term) for term in terms for typed in term.typed),
        key=lambda pair: -len(pair[0]),
    )
    groups: list[tuple[int, Group]] = []
    taken = [False] * len(words)
    for phrase, term in phrases:
        if not phrase:
            continue
        for start in range(len(words) - len(phrase) + 1):
            span = range(start, start + len(phrase))
            if tuple(words[start : start + len(phrase)]) == phrase and not any(
                taken[i] for i in span
            ):
                for i in span:
                    taken[i] = True
                means = tuple(words_of(m) for m in term.means)
                alternatives = tuple(dict.fromkeys((phrase, *(m for m in means if m))))
                groups.append((start, Group(phrase, alternatives, False, tuple(term.cpv))))
    for i, word in enumerate(words):
        if not taken[i]:
            taken[i] = True
            groups.append((i, Group((word,), ((word,),), True)))
    merged: dict[tuple[str, ...], Group] = {}
    for _, group in sorted(groups, key=lambda pair: pair[0]):
        merged.setdefault(group.typed, group)
    return list(merged.values())


@dataclass(frozen=True)
class Ranked:
    """A text's standing against a query: the groups it matches, and how well."""

    matched: int
    weight: float
    coverage: float

    def key(self) -> tuple[float, float, float]:
        return (-self.matched, -self.weight, -self.coverage)


def rank(groups: Sequence[Group], fields: Sequence[tuple[float, str]], name: str = "") -> Ranked:
    """How ``groups`` match a text made of weighted ``fields`` (the best field of each group
    counts); ``coverage`` is the share of the ``name``'s words the query accounts for."""
    field_words = [(weight, words_of(text)) for weight, text in fields]
    matched = 0
    total = 0.0
    for group in groups:
        best = max((weight for weight, words in field_words if group.matches(words)), default=0)
        # The very words typed, rather than one they stand for, count a little more.
        if any(all(w in words for w in group.typed) for _, words in field_words):
            best += 0.25
        if best:
            matched += 1
            total += best
    named = words_of(name)
    covered = [w for w in named if any(g.matches((w,)) for g in groups)]
    return Ranked(matched, total, len(covered) / len(named) if named else 0.0)


def best_first(
    items: Sequence[T], ranking: Mapping[int, Ranked], groups: Sequence[Group]
) -> list[T]:
    """The items that match every group — or, when none does, those that match the most (a word
    found nowhere does not empty the list) — best first, then in their own order."""
    if not groups:
        return list(items)
    most = max((r.matched for r in ranking.values()), default=0)
    if most == 0:
        return []
    kept = [i for i in range(len(items)) if ranking[i].matched == most]
    kept.sort(key=lambda i: (*ranking[i].key(), i))
    return [items[i] for i in kept]


def mechanism_fields(mechanism: Mechanism) -> list[tuple[float, str]]:
    return [
        (4, mechanism.short_title),
        (3, mechanism.title),
        (1, mechanism.summary),
        (0.5, " ".join(s.value for s in mechanism.structures)),
    ]


def rank_mechanisms(
    mechanisms: Sequence[Mechanism], query: str, terms: Iterable[SearchTerm] = ()
) -> list[Mechanism]:
    groups = groups_of(query, terms)
    ranking = {
        i: rank(groups, mechanism_fields(m), m.short_title) for i, m in enumerate(mechanisms)
    }
    return best_first(mechanisms, ranking, groups)


def rank_practices(
    practices: Sequence[Practice], query: str, terms: Iterable[SearchTerm] = ()
) -> list[Practice]:
    groups = groups_of(query, terms)
    ranking = {
        i: rank(
            groups,
            [(3, p.title), (2, " ".join(p.themes)), (1, p.summary), (0.5, p.body)],
            p.title,
        )
        for i, p in enumerate(practices)
    }
    return best_first(practices, ranking, groups)


def regions_named(query: str, regions: Mapping[str, str]) -> tuple[list[str], str]:
    """The regions (INSEE codes, from ``regions``: code → name) that the query names, and the
    query without their names: « lots réservés Bretagne » → (["53"], "lots réservés")."""
    words = list(words_of(query))
    found: list[str] = []
    for code, name in sorted(regions.items(), key=lambda pair: -len(words_of(pair[1]))):
        phrase = words_of(name)
        for start in range(len(words) - len(phrase) + 1):
            if phrase and tuple(words[start : start + len(phrase)]) == phrase:
                found.append(code)
                del words[start : start + len(phrase)]
                break
    return found, " ".join(words)
