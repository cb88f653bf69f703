"""The sessions opened through the OpenID Connect provider (ProConnect) keep their ID token on the
server, for the sign-out at the provider (``id_token_hint``), with the authentication's level
(``acr``), methods (``amr``) and the identity provider behind the federation (``idp_id``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_oidc_session_id_token"
down_revision = "0011_report_sums"


def upgrade() -> None:
    op.create_table(
        "oidc_session",
        sa.Column("key_hash", sa.String(length=64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Uuid(),
            sa.ForeignKey("app_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("id_token", sa.Text(), nullable=False),
        sa.Column("acr", sa.String(length=255), nullable=False),
        sa.Column("amr", sa.String(length=255), nullable=False),
        sa.Column("idp_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_oidc_session_user_id", "oidc_session", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_oidc_session_user_id", "oidc_session")
    op.drop_table("oidc_session")
