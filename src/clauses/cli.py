"""The ``clauses`` command: a thin shell over the core (advise, draft, check-library, serve)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from clauses.library import LibraryError, load_library
from clauses.profile import ProfileError, load_document
from clauses.strategy.choose import StrategyRefused
from clauses.strategy.report import errors_text

EXIT_INPUT = 2


def _fail(message: str, code: int = EXIT_INPUT) -> int:
    print(f"clauses : {message}", file=sys.stderr)
    return code


def cmd_advise(args: argparse.Namespace) -> int:
    from clauses.advisor import advise
    from clauses.advisor.report import text_report
    from clauses.strategy.choose import resolve
    from clauses.strategy.report import strategy_report

    library = load_library(args.library)
    profile, others = load_document(args.profile)
    advice = advise(profile, library, args.as_of)
    resolved = resolve(profile, advice, others.get("strategy"), library)
    if args.strategy_json and not isinstance(resolved, list):
        sys.stdout.write(resolved.model_dump_json(indent=2) + "\n")
    elif args.json:
        sys.stdout.write(advice.model_dump_json(indent=2, exclude_none=True) + "\n")
    else:
        sys.stdout.write(text_report(advice, profile, library))
        if not isinstance(resolved, list):
            sys.stdout.write("\n" + strategy_report(resolved, profile))
    if isinstance(resolved, list):
        if "strategy" in others or args.strategy_json:
            return _fail("stratégie invalide :\n  " + errors_text(resolved))
        # No strategy given: the advice stands; the pre-filled one is checked again on drafting.
        print(
            "clauses : note : stratégie par défaut incohérente :\n  " + errors_text(resolved),
            file=sys.stderr,
        )
    return 0


def cmd_check_library(args: argparse.Namespace) -> int:
    from clauses.library.check import check_library

    problems = check_library(args.library)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problème(s) dans la bibliothèque.", file=sys.stderr)
        return 1
    library = load_library(args.library)
    print(
        f"Bibliothèque {library.version} valide : {len(library.mechanisms)} mécanismes, "
        f"{sum(len(m.clauses) for m in library.mechanisms.values())} clauses, "
        f"{len(library.references)} références, {len(library.practices)} fiches."
    )
    return 0


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {value} » (format AAAA-MM-JJ)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clauses",
        description="Assistant clauses sociales pour les achats publics des Régions.",
    )
    parser.add_argument(
        "--library",
        type=Path,
        default=None,
        help="dossier de la bibliothèque de clauses (défaut : clause_library/)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    advise_p = sub.add_parser(
        "advise", help="conseils pour un marché décrit dans un fichier YAML ou JSON"
    )
    advise_p.add_argument("profile", type=Path, help="profil du marché (YAML ou JSON)")
    advise_p.add_argument("--json", action="store_true", help="sortie JSON (contrat Advice)")
    advise_p.add_argument(
        "--strategy-json",
        action="store_true",
        help="sortie JSON de la stratégie résolue (clé strategy du profil, complétée et vérifiée)",
    )
    advise_p.add_argument(
        "--as-of",
        type=_date_arg,
        default=dt.date.today(),
        help="date du calcul (défaut : aujourd’hui)",
    )
    advise_p.set_defaults(handler=cmd_advise)

    check_p = sub.add_parser("check-library", help="relit et valide la bibliothèque de clauses")
    check_p.set_defaults(handler=cmd_check_library)

    from clauses.decp.cli import add_decp_command
    from clauses.drafting.cli import add_draft_commands
    from clauses.web.cli import add_serve_command, add_user_command

    add_draft_commands(sub)
    add_serve_command(sub)
    add_decp_command(sub)
    add_user_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except ProfileError as exc:
        return _fail("profil invalide :\n  " + "\n  ".join(str(e) for e in exc.errors))
    except StrategyRefused as exc:
        return _fail("stratégie invalide :\n  " + errors_text(exc.errors))
    except LibraryError as exc:
        return _fail("bibliothèque invalide :\n  " + "\n  ".join(exc.problems), 1)
    except KeyboardInterrupt:
        return _fail("interrompu", 130)
    return code


if __name__ == "__main__":
    sys.exit(main())
