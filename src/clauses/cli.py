"""The ``clauses`` command: a thin shell over the core (advise, draft, check-library, serve)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from clauses.cli_support import add_as_of, fail, positive_arg
from clauses.library import LibraryError, load_library
from clauses.profile import ProfileError, load_document
from clauses.strategy.choose import StrategyRefused
from clauses.strategy.report import errors_text


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
            return fail("stratégie invalide :\n  " + errors_text(resolved))
        # No strategy given: the advice stands; the pre-filled one is checked again on drafting.
        print(
            "clauses : note : stratégie par défaut incohérente :\n  " + errors_text(resolved),
            file=sys.stderr,
        )
    return 0


def cmd_check_library(args: argparse.Namespace) -> int:
    from clauses.advisor.checks import check_library

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


def cmd_seed(args: argparse.Namespace) -> int:
    """``clauses seed``: demonstration organisations, accounts and dossiers (clauses.demo.seed)."""
    from clauses.decp import DecpSchema
    from clauses.demo import seed
    from clauses.store.accounts import AccountError
    from clauses.store.db import make_engine, migrate, session_scope
    from clauses.vocabulary import STAGE_LABELS
    from clauses.web.settings import Settings

    if args.password is not None:
        password, source = args.password, "celui donné par --password"
    elif sys.stdin.isatty():
        import getpass

        password, source = getpass.getpass("Mot de passe des comptes : "), "celui saisi"
    else:
        password = sys.stdin.readline().rstrip("\r\n")
        source = "celui lu sur l’entrée standard"
    until = args.until_year or args.as_of.year
    url = args.database_url or Settings().database_url
    library = load_library(args.library)
    engine = make_engine(url)
    migrate(engine)

    def progress(done: int, total: int) -> None:
        print(f"\r{done} / {total} dossiers", end="" if done < total else "\n", file=sys.stderr)

    try:
        with session_scope(engine) as session:
            seeded = seed.seed(
                session,
                library,
                password=password,
                count=args.count,
                years=seed.years_until(until, args.years),
                organisations=args.organisations,
                as_of=args.as_of,
                seed_value=args.seed,
                replace=args.replace,
                schema=DecpSchema.load(),
                progress=None if args.quiet else progress,
            )
    except (seed.SeedError, AccountError) as error:
        return fail(str(error))
    finally:
        engine.dispose()
    stages = ", ".join(f"{seeded.by_stage[s]} {label}" for s, label in STAGE_LABELS.items())
    print(
        f"{seeded.dossiers} dossiers de démonstration ({stages}), "
        f"{seeded.followup_lines} lignes de suivi, de {until - args.years + 1} à {until}."
    )
    for organisation in seeded.organisations:
        print(f"{organisation.name} (SIRET {organisation.siret}) :")
        for role in seed.ROLES:
            print(f"  {organisation.email(role)} ({role.value})")
    print(f"Mot de passe de ces comptes : {source}.")
    return 0


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command's parser. Given the arguments, only the subcommand they name is defined
    with its module (:data:`ELSEWHERE`): ``clauses advise`` does not import python-docx,
    jsonschema or SQLAlchemy, which the other subcommands need."""
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
    add_as_of(advise_p, "date du calcul")
    advise_p.set_defaults(handler=cmd_advise)

    check_p = sub.add_parser("check-library", help="relit et valide la bibliothèque de clauses")
    check_p.set_defaults(handler=cmd_check_library)

    seed_p = sub.add_parser(
        "seed",
        help="remplit une base de données de démonstration (organisations, comptes, dossiers)",
        description="Crée des organisations de démonstration (SIRET fictifs), un compte "
        "administrateur, référent et acheteur dans chacune (mot de passe lu sur l’entrée "
        "standard ou donné par --password) et leurs dossiers, à toutes les étapes.",
    )
    seed_p.add_argument(
        "--database-url", default=None, help="base à remplir (défaut : CLAUSES_DATABASE_URL)"
    )
    seed_p.add_argument(
        "--count", type=positive_arg, default=10_000, help="nombre de dossiers (défaut : 10 000)"
    )
    seed_p.add_argument(
        "--years", type=positive_arg, default=5, help="nombre d’années couvertes (défaut : 5)"
    )
    seed_p.add_argument(
        "--until-year", type=int, default=None, help="dernière année (défaut : l’année en cours)"
    )
    seed_p.add_argument(
        "--organisations", type=positive_arg, default=3, help="nombre d’organisations (défaut : 3)"
    )
    seed_p.add_argument(
        "--seed", type=int, default=13, help="graine du tirage (même graine, mêmes dossiers)"
    )
    add_as_of(seed_p, "date du jour pour l’étape de chaque dossier")
    seed_p.add_argument(
        "--password", default=None, help="mot de passe des comptes (bancs d’essai ; sinon stdin)"
    )
    seed_p.add_argument(
        "--replace",
        action="store_true",
        help="remplace les données de démonstration déjà présentes (sinon refus)",
    )
    seed_p.add_argument("--quiet", action="store_true", help="sans l’avancement sur stderr")
    seed_p.set_defaults(handler=cmd_seed)

    named = _command_in(argv) if argv is not None else None
    wanted = [ELSEWHERE[named]] if named in ELSEWHERE else [] if named in sub.choices else None
    for adder in dict.fromkeys(ELSEWHERE.values()) if wanted is None else wanted:
        module, function = adder.split(":")
        getattr(importlib.import_module(module), function)(sub)
    return parser


# Subcommands defined in their own modules, by the function that adds them; a module is
# imported only when one of its subcommands runs, or when all of them are listed (``clauses
# --help``, an unknown subcommand).
ELSEWHERE = {
    "draft": "clauses.drafting.cli:add_draft_commands",
    "draft-batch": "clauses.drafting.cli:add_draft_commands",
    "serve": "clauses.web.cli:add_serve_command",
    "decp": "clauses.decp.cli:add_decp_command",
    "user": "clauses.web.cli:add_user_command",
}


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand the arguments name: the first one that is not an option of ``clauses``
    itself (``--library PATH``)."""
    words = iter(argv)
    for word in words:
        if word == "--library":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        code: int = args.handler(args)
    except ProfileError as exc:
        return fail("profil invalide :\n  " + "\n  ".join(str(e) for e in exc.errors))
    except StrategyRefused as exc:
        return fail("stratégie invalide :\n  " + errors_text(exc.errors))
    except LibraryError as exc:
        return fail("bibliothèque invalide :\n  " + "\n  ".join(exc.problems), 1)
    except KeyboardInterrupt:
        return fail("interrompu", 130)
    return code


if __name__ == "__main__":
    sys.exit(main())
