"""The identities of the accounts at an OpenID Connect provider: the provider's issuer and the
subject (``sub``) it gives the person, which the accounts are found by from now on (no longer by
their e-mail); the sessions ended by a sign-out or an account deletion, which every process reads
to refuse them at once."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_account_security"
down_revision = "0006_allotment_fact"


def upgrade() -> None:
    op.create_table(
        "federated_identity",
        sa.Column("issuer", sa.String(length=255), primary_key=True),
        sa.Column("subject", sa.String(length=255), primary_key=True),
        sa.Column(
            "user_id",
            sa.Uuid(),
            sa.ForeignKey("app_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_federated_identity_user_id", "federated_identity", ["user_id"])
    op.create_table(
        "session_revocation",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("session_revocation")
    op.drop_table("federated_identity")
