"""The import graph of ``clauses``, read from the source with :mod:`ast` (every import: at the
top, in a function, under ``TYPE_CHECKING``): the core — the facts, the library, the advice, the
strategy, the drafts and what follows the award — imports neither the web, the store nor the
command line; the store imports no web; and no two packages import each other, directly or
through others. The shells (``web``, ``store``, ``cli``, ``demo``) sit on the core, not in it."""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "clauses"
CORE = frozenset(
    {
        "profile",
        "library",
        "advisor",
        "strategy",
        "drafting",
        "decp",
        "followup",
        "spaser",
        "lifecycle",
        "questionnaire",
        "vocabulary",
        "french",
        "inputs",
    }
)
# What the core must not import, and what the store must not.
SHELLS = ("clauses.web", "clauses.store", "clauses.cli")
# The demonstration data (clauses.demo) fill a database through the store with the core's
# logic: a shell, which may import anything but the web.


def name_of(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {name_of(path): path for path in sorted((SRC / ROOT).rglob("*.py"))}


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def imports(module: str) -> Iterator[tuple[str, int]]:
    """Each ``clauses`` module the module imports, with the line: ``from clauses import
    french`` imports :mod:`clauses.french`, ``from clauses.advisor import advise`` the package."""
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if within(alias.name, ROOT):
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if not within(source, ROOT):
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield (submodule if submodule in modules() else source), node.lineno


def unit(module: str) -> str:
    """The top-level package or module of ``clauses`` a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def violations(rule: str) -> list[str]:
    importers, forbidden = (
        (CORE, SHELLS) if rule == "core" else ({"store", "demo"}, ("clauses.web",))
    )
    return list(
        dict.fromkeys(
            f"{modules()[module].relative_to(SRC)}:{line} imports {target}"
            for module in modules()
            if unit(module) in importers
            for target, line in imports(module)
            if any(within(target, shell) for shell in forbidden)
        )
    )


def test_the_graph_is_read() -> None:
    """The test reads what it means to: the known modules and their imports."""
    assert {"clauses.advisor.advise", "clauses.questionnaire.wizard"} <= set(modules())
    targets = {t for t, _ in imports("clauses.web.routes.dossiers.steps")}
    assert {"clauses.questionnaire.save", "clauses.store.crud"} <= targets
    assert unit("clauses.advisor.hours") == "advisor" and unit("clauses") == ROOT


def test_the_core_imports_no_web_store_or_command_line() -> None:
    assert violations("core") == []


def test_the_store_imports_no_web() -> None:
    assert violations("store") == []


def graph() -> dict[str, dict[str, str]]:
    """Package → package it imports → one import that makes the edge (for the message)."""
    edges: dict[str, dict[str, str]] = {}
    for module in modules():
        for target, line in imports(module):
            source, destination = unit(module), unit(target)
            if source != destination and destination != ROOT:
                where = f"{modules()[module].relative_to(SRC)}:{line} imports {target}"
                edges.setdefault(source, {}).setdefault(destination, where)
    return edges


def cycle(edges: dict[str, dict[str, str]]) -> list[str] | None:
    """One circle of imports between packages, as the imports that make it; None if none."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for following in sorted(edges.get(node, {})):
            if state.get(following) == 1:
                loop = [*path[path.index(following) :], following]
                return [edges[a][b] for a, b in itertools.pairwise(loop)]
            if following not in state and (found := walk(following)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := walk(node)):
            return found
    return None


def test_no_package_imports_itself_through_others() -> None:
    assert cycle(graph()) is None


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b": "a→b"}, "b": {"c": "b→c"}}, None),
        ({"a": {"b": "a→b"}, "b": {"c": "b→c"}, "c": {"a": "c→a"}}, ["a→b", "b→c", "c→a"]),
    ],
)
def test_a_circle_is_found(edges: dict[str, dict[str, str]], expected: list[str] | None) -> None:
    assert cycle(edges) == expected


LONG = 400  # lines: a module longer says why in one line at its top
REASON = re.compile(r"^# Over 400 lines: \S.*\.$", re.MULTILINE)


def long_modules_without_reason() -> list[str]:
    found = []
    for path in modules().values():
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        # The reason sits at the top: within the module's first 40 lines (after its docstring).
        if lines > LONG and not REASON.search("\n".join(text.splitlines()[:40])):
            found.append(f"{path.relative_to(SRC)} ({lines} lines)")
    return found


def test_a_module_over_400_lines_says_why_at_its_top() -> None:
    assert long_modules_without_reason() == []


def test_the_reason_is_read_as_written() -> None:
    assert REASON.search('"""Doc."""\n# Over 400 lines: one table of fields, read as a whole.\n')
    assert not REASON.search("# over 400 lines\n")
