"""``clauses draft`` and ``clauses draft-batch`` (registered by :mod:`clauses.cli`).

Thin shells over :func:`clauses.drafting.draft`: read the files, call the core, write the result
atomically (a temporary file renamed into place, so an interrupted run never leaves half a
document). Invalid input exits 2 with a French message naming the problem.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import TextIO

from clauses.advisor import advise
from clauses.cli_support import add_as_of, fail
from clauses.drafting.draft import Draft, SectionError, draft, parse_sections
from clauses.drafting.pieces import Pieces, draft_pieces
from clauses.drafting.sections import SECTION_IDS
from clauses.drafting.template import MAX_FILE_BYTES, TemplateError, check_template
from clauses.library import Library, load_library
from clauses.profile import ProfileError, load_document
from clauses.strategy.choose import StrategyRefused, resolved_or_raise

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
EXIT_FAILURES = 1


class InputError(Exception):
    """A problem with the command's input, reported as « clauses : message » with exit 2."""


def add_draft_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sections_help = (
        "sections à inclure, séparées par des virgules (défaut : toutes) : "
        + ", ".join(SECTION_IDS)
    )
    one = sub.add_parser("draft", help="rédige le document Word des clauses sociales d’un marché")
    one.add_argument("profile", type=Path, help="profil du marché (YAML ou JSON)")
    one.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="fichier .docx à écrire, ou .zip pour un .docx par pièce du DCE",
    )
    _common(one, sections_help)
    one.set_defaults(handler=cmd_draft)

    batch = sub.add_parser("draft-batch", help="rédige un document par profil d’un dossier")
    batch.add_argument("directory", type=Path, help="dossier des profils (*.yaml, *.yml, *.json)")
    batch.add_argument(
        "-o", "--output", type=Path, required=True, help="dossier des .docx à écrire"
    )
    _common(batch, sections_help)
    batch.set_defaults(handler=cmd_draft_batch)


def _common(parser: argparse.ArgumentParser, sections_help: str) -> None:
    parser.add_argument("--sections", default=None, help=sections_help)
    parser.add_argument(
        "--template",
        type=Path,
        default=None,
        help="modèle Word de la collectivité (.docx ou .dotx)",
    )
    add_as_of(parser, "date du document")


def _sections(text: str | None) -> tuple[str, ...]:
    try:
        return parse_sections(text) if text is not None else SECTION_IDS
    except SectionError as exc:
        raise InputError(str(exc)) from exc


def _template(path: Path | None) -> bytes | None:
    """The template's bytes, refused early (once for a whole batch) when unusable."""
    if path is None:
        return None
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"modèle Word refusé : {path} dépasse 20 Mo")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"modèle Word illisible : {path} : {exc.strerror}") from exc
    try:
        check_template(data)
    except TemplateError as exc:
        raise InputError(f"{exc} ({path})") from exc
    return data


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def draft_file(
    path: Path,
    library: Library,
    as_of: dt.date,
    sections: tuple[str, ...],
    template: bytes | None,
    *,
    pieces: bool = False,
) -> Draft | Pieces:
    """The draft of a profile file, from its strategy (``strategy:``, checked and completed),
    as one document or one document per DCE piece; raises :class:`ProfileError` or
    :class:`StrategyRefused`."""
    profile, others = load_document(path)
    advice = advise(profile, library, as_of)
    strategy = resolved_or_raise(profile, advice, others.get("strategy"), library)
    if pieces:
        return draft_pieces(profile, advice, strategy, library, as_of, template=template)
    return draft(profile, advice, strategy, library, as_of, sections=sections, template=template)


def cmd_draft(args: argparse.Namespace) -> int:
    try:
        sections = _sections(args.sections)
        template = _template(args.template)
        output: Path = args.output
        if output.is_dir():
            raise InputError(f"{output} est un dossier : indiquez un nom de fichier .docx")
        if not output.parent.is_dir():
            raise InputError(f"dossier de sortie introuvable : {output.parent}")
    except InputError as exc:
        return fail(str(exc))
    library = load_library(args.library)
    result = draft_file(
        args.profile,
        library,
        args.as_of,
        sections,
        template,
        pieces=output.suffix.lower() == ".zip",
    )
    content, messages = result.content, result.messages
    if isinstance(result, Pieces):
        summary = f"{len(result.names)} pièce(s) du DCE"
    else:
        summary = f"{len(result.sections)} section(s), {len(result.practices)} fiche(s) de bonnes pratiques"
    try:
        write_atomic(output, content)
    except OSError as exc:
        return fail(f"impossible d’écrire {output} : {exc.strerror}")
    for message in messages:
        print(f"clauses : note : {message}", file=sys.stderr)
    print(f"{output} écrit ({summary}).")
    return 0


class Progress:
    """A progress bar on a terminal, one plain line per file otherwise (logs, CI)."""

    WIDTH = 24

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()

    def step(self, done: int, name: str) -> None:
        if self.tty:
            filled = self.WIDTH * done // self.total
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            self.stream.write(f"\r\x1b[K[{done}/{self.total}] {bar} {name}")
        else:
            self.stream.write(f"[{done}/{self.total}] {name}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def output_names(paths: list[Path]) -> dict[Path, str]:
    """``nettoyage.yaml`` → ``nettoyage.docx``; profiles sharing a stem keep their extension."""
    stems = [p.stem for p in paths]
    return {
        p: (
            f"{p.stem}-{p.suffix.lstrip('.')}.docx" if stems.count(p.stem) > 1 else f"{p.stem}.docx"
        )
        for p in paths
    }


def cmd_draft_batch(args: argparse.Namespace) -> int:
    directory: Path = args.directory
    outdir: Path = args.output
    try:
        sections = _sections(args.sections)
        template = _template(args.template)
        if not directory.is_dir():
            raise InputError(f"dossier des profils introuvable : {directory}")
        paths = sorted(
            p for p in directory.iterdir() if p.suffix.lower() in PROFILE_SUFFIXES and p.is_file()
        )
        if not paths:
            raise InputError(f"aucun profil (*.yaml, *.yml, *.json) dans {directory}")
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"impossible de créer {outdir} : {exc.strerror}") from exc
    except InputError as exc:
        return fail(str(exc))
    library = load_library(args.library)
    names = output_names(paths)
    failures = run_batch(paths, names, outdir, library, args.as_of, sections, template)
    written = len(paths) - len(failures)
    print(f"{written} document(s) écrit(s) dans {outdir} sur {len(paths)} profil(s).")
    if failures:
        print(f"{len(failures)} échec(s) :")
        for name, reason in failures:
            print(f"  - {name} : {reason}")
        return EXIT_FAILURES
    return 0


def run_batch(
    paths: list[Path],
    names: dict[Path, str],
    outdir: Path,
    library: Library,
    as_of: dt.date,
    sections: tuple[str, ...],
    template: bytes | None,
) -> list[tuple[str, str]]:
    progress = Progress(len(paths), sys.stderr)
    failures: list[tuple[str, str]] = []
    for done, path in enumerate(paths, start=1):
        progress.step(done, path.name)
        try:
            result = draft_file(path, library, as_of, sections, template)
            write_atomic(outdir / names[path], result.content)
        except ProfileError as exc:
            failures.append(
                (path.name, "profil invalide : " + " ; ".join(str(e) for e in exc.errors))
            )
        except StrategyRefused as exc:
            failures.append(
                (
                    path.name,
                    "stratégie invalide : "
                    + " ; ".join(f"{e.key} : {e.message}" for e in exc.errors),
                )
            )
        except OSError as exc:
            failures.append((path.name, f"écriture impossible : {exc.strerror or exc}"))
        except Exception as exc:  # one bad file must never stop the batch: report it and go on
            failures.append((path.name, f"erreur inattendue ({type(exc).__name__}) : {exc}"))
    progress.close()
    return failures
