"""``clauses serve`` (registered by :mod:`clauses.cli`): migrate the database, then run uvicorn."""

from __future__ import annotations

import argparse
import os
import sys


def _fail(message: str, code: int) -> int:
    print(f"clauses : {message}", file=sys.stderr)
    return code


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
        return _fail(f"réglage invalide : {names} (vérifiez sa valeur)", 2)
    # Once, before the workers start: they then share one schema and one secret key.
    try:
        migrate(make_engine(settings.database_url))
    except (ArgumentError, ImportError):
        return _fail(
            "adresse de base de données invalide (CLAUSES_DATABASE_URL) ; par exemple "
            "sqlite:///./data/clauses.db ou postgresql+psycopg://utilisateur@hôte/base",
            2,
        )
    except (SQLAlchemyError, OSError) as exc:
        # The URL without its password, and the first line of the driver's message.
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        return _fail(f"base de données inaccessible ({where}) : {reason}", 1)
    resolve_secret_key(settings)
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


def add_serve_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="lance l’application web (base SQLite par défaut, créée et migrée au démarrage)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="adresse d’écoute (défaut : 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (défaut : 8000)")
    serve.add_argument("--workers", type=int, default=1, help="nombre de processus (défaut : 1)")
    serve.set_defaults(handler=cmd_serve)
