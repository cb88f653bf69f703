"""Allotment is a fact of the profile (its lots), no longer a mechanism the buyer retains (DOMAIN
§9): it leaves the stored strategies, whose check would otherwise refuse it. The snapshots of
published tenders keep what they retained then."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006_allotment_fact"
down_revision = "0005_lifecycle"

ALLOTMENT = "lots_division"
dossier = sa.table("dossier", sa.column("id", sa.Uuid()), sa.column("strategy", sa.JSON()))


def without_allotment(strategy: Any) -> Any:
    """The strategy without its allotment entry; the same object when it has none."""
    if not isinstance(strategy, dict) or not isinstance(strategy.get("mechanisms"), list):
        return strategy
    kept = [
        m for m in strategy["mechanisms"] if not (isinstance(m, dict) and m.get("id") == ALLOTMENT)
    ]
    if len(kept) == len(strategy["mechanisms"]):
        return strategy
    return {**strategy, "mechanisms": kept}


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(dossier.c.id, dossier.c.strategy)).all()
    for row in rows:
        changed = without_allotment(row.strategy)
        if changed is not row.strategy:
            connection.execute(
                dossier.update().where(dossier.c.id == row.id).values(strategy=changed)
            )


def downgrade() -> None:
    """Nothing to restore: a strategy without allotment was valid before too."""
