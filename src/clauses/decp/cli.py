"""``clauses decp PROFILE`` (registered by :mod:`clauses.cli`): the contract's DECP, checked.

A thin shell: read the profile file, take out its ``award`` and ``strategy`` keys (the profile
parser rejects keys it does not know), compute the advice, resolve the strategy, build and
validate the DECP object, print it. Invalid input exits 2 naming the field.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from clauses.cli_support import add_as_of, fail
from clauses.decp.award import Award
from clauses.decp.document import SCHEMA_SETTING, DecpError, DecpSchema, decp_document
from clauses.decp.resolve import contract_of
from clauses.library import Library, load_library
from clauses.profile import TenderProfile, is_yaml, read_file
from clauses.strategy.model import ResolvedStrategy

EXIT_SETUP = 1  # the schema is missing: the installation, not the input


def add_decp_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "decp",
        help="données essentielles (DECP 2.0.3) d’un marché attribué, au format JSON",
        description=(
            "Imprime l’objet DECP 2.0.3 du marché décrit par le profil et sa clé « award », "
            "validé par le schéma officiel avant d’être imprimé."
        ),
    )
    parser.add_argument("profile", type=Path, help="profil du marché avec sa clé award")
    parser.add_argument(
        "--schema",
        type=Path,
        default=None,
        help=f"schéma JSON DECP 2.0.3 (défaut : {SCHEMA_SETTING} ou ../shared/data/decp/schema/)",
    )
    add_as_of(parser, "date du calcul des conseils")
    parser.set_defaults(handler=cmd_decp)


def cmd_decp(args: argparse.Namespace) -> int:
    library = load_library(args.library)
    try:
        schema = DecpSchema.load(args.schema)
    except DecpError as exc:
        return fail("\n  ".join(str(e) for e in exc.errors), EXIT_SETUP)
    profile, award, strategy = read_contract(args.profile, library, args.as_of)
    try:
        document = decp_document(profile, award, strategy, library, schema)
    except DecpError as exc:
        return fail(
            "données essentielles (DECP) incomplètes ou invalides :\n  "
            + "\n  ".join(str(e) for e in exc.errors)
        )
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return 0


def read_contract(
    path: Path, library: Library, as_of: dt.date
) -> tuple[TenderProfile, Award, ResolvedStrategy]:
    """The profile, award and resolved strategy of a profile file (ProfileError otherwise)."""
    return contract_of(
        read_file(path), library, as_of, today=dt.date.today(), from_yaml=is_yaml(str(path))
    )
