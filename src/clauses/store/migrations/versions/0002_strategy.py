"""The buyer's strategy on the dossier, and the strategy each document was drafted from."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_strategy"
down_revision = "0001"


def upgrade() -> None:
    # Nullable: existing dossiers keep the pre-filled strategy, existing documents had none.
    with op.batch_alter_table("dossier") as batch:
        batch.add_column(sa.Column("strategy", sa.JSON(), nullable=True))
    with op.batch_alter_table("generated_document") as batch:
        batch.add_column(sa.Column("strategy", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("generated_document") as batch:
        batch.drop_column("strategy")
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("strategy")
