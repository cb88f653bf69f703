"""``clauses serve`` (registered by :mod:`clauses.cli`): migrate the database, then run uvicorn."""

from __future__ import annotations

import argparse
import os


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from clauses.store.db import make_engine, migrate
    from clauses.web.settings import Settings, resolve_secret_key

    if args.library is not None:
        # The workers build their own settings from the environment.
        os.environ["CLAUSES_LIBRARY"] = str(args.library)
    settings = Settings()
    # Once, before the workers start: they then share one schema and one secret key.
    migrate(make_engine(settings.database_url))
    resolve_secret_key(settings)
    uvicorn.run(
        "clauses.web.app:create_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
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
