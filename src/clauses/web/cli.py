"""``clauses serve`` (registered by :mod:`clauses.cli`): migrate the database, print the one-time
setup link while no account exists, then run uvicorn; and ``clauses user add``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from clauses.cli_support import fail

if TYPE_CHECKING:
    from sqlalchemy import Engine


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn
    from pydantic import ValidationError
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from clauses.store.db import make_engine, migrate
    from clauses.web.settings import Settings, resolve_secret_key

    if args.library is not None:
        # The workers build their own settings from the environment.
        os.environ["CLAUSES_LIBRARY"] = str(args.library)
    try:
        settings = Settings()
    except ValidationError as exc:
        names = ", ".join(f"CLAUSES_{'_'.join(map(str, e['loc'])).upper()}" for e in exc.errors())
        return fail(f"réglage invalide : {names} (vérifiez sa valeur)", 2)
    # Once, before the workers start: they then share one schema and one secret key.
    try:
        engine = make_engine(settings.database_url)
        migrate(engine)
    except (ArgumentError, ImportError):
        return fail(
            "adresse de base de données invalide (CLAUSES_DATABASE_URL) ; par exemple "
            "sqlite:///./data/clauses.db ou postgresql+psycopg://utilisateur@hôte/base",
            2,
        )
    except (SQLAlchemyError, OSError) as exc:
        # The URL without its password, and the first line of the driver's message.
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        return fail(f"base de données inaccessible ({where}) : {reason}", 1)
    resolve_secret_key(settings)
    compute_report_figures(engine, settings.library)
    print_setup_link(engine, args.host, args.port)
    uvicorn.run(
        "clauses.web.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        http="clauses.web.protocol:TimedHttpToolsProtocol",  # deadline for the headers
        server_header=False,
        log_level="info",
    )
    return 0


def compute_report_figures(engine: Engine, library_path: Path | None) -> None:
    """The figures the reports read (:mod:`clauses.store.reports`) of every awarded dossier that
    has none for its version and this library: all of them after an upgrade or a library
    update, computed here once rather than by the first report of each period."""
    import datetime as dt

    from clauses.decp import DecpError, DecpSchema
    from clauses.library import load_library
    from clauses.store import reports
    from clauses.store.db import session_scope

    try:
        schema = DecpSchema.load()
    except DecpError:
        return  # no DECP schema here: the reports will say so
    library = load_library(library_path)

    def progress(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\rChiffres des rapports : {done} / {total} dossiers", end=end, file=sys.stderr)

    with session_scope(engine) as session:
        every = reports.Scope(None, dt.date.min, dt.date.max, library, schema)
        reports.refresh(session, every, progress)


def print_setup_link(engine: Engine, host: str, port: int) -> None:
    """While no account exists: a new one-time link that creates the first admin (the links
    printed before stop working)."""
    from sqlalchemy import delete

    from clauses.store import accounts
    from clauses.store.db import session_scope
    from clauses.store.models import SetupToken

    with session_scope(engine) as session:
        if accounts.count_users(session) > 0:
            return
        session.execute(delete(SetupToken))
        token = accounts.new_setup_token(session)
    shown = "localhost" if host in {"0.0.0.0", "::", ""} else host
    print(
        "\nAucun compte n’existe encore. Ouvrez ce lien (une seule fois) pour créer le premier "
        f"compte administrateur et son organisation :\n\n  http://{shown}:{port}/installation/{token}\n",
        flush=True,
    )


def cmd_user_add(args: argparse.Namespace) -> int:
    from clauses.store import accounts
    from clauses.store.db import make_engine, migrate, session_scope
    from clauses.store.models import Role
    from clauses.web.settings import Settings

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass("Mot de passe : ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    engine = make_engine(Settings().database_url)
    migrate(engine)
    with session_scope(engine) as session:
        try:
            user = accounts.add_user(
                session,
                email=args.email,
                organisation=args.organisation,
                siret=args.siret,
                role=Role(args.role),
                password=password,
            )
        except accounts.AccountError as error:
            print(f"clauses : {error}", file=sys.stderr)
            return 2
    print(f"Compte créé : {user.email} ({args.role}, {args.organisation}).")
    return 0


def add_user_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = sub.add_parser("user", help="comptes de l’application web")
    actions = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = actions.add_parser(
        "add", help="crée un compte (mot de passe lu sur l’entrée standard, 12 caractères au moins)"
    )
    add.add_argument("email", help="adresse électronique (identifiant de connexion)")
    add.add_argument(
        "--organisation", required=True, help="nom de l’organisation (créée au besoin)"
    )
    add.add_argument("--siret", default=None, help="SIRET de l’organisation (14 chiffres)")
    add.add_argument(
        "--role",
        choices=["acheteur", "referent", "admin"],
        default="acheteur",
        help="rôle dans l’organisation (défaut : acheteur)",
    )
    add.set_defaults(handler=cmd_user_add)


def add_serve_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="lance l’application web (base SQLite par défaut, créée et migrée au démarrage)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="adresse d’écoute (défaut : 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (défaut : 8000)")
    serve.add_argument("--workers", type=int, default=1, help="nombre de processus (défaut : 1)")
    serve.set_defaults(handler=cmd_serve)
