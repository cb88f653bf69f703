"""Team self-service (issue 23, point 1): an admin deactivates a member (``deactivated_at``),
and the links that set a password (an invited member's first, a forgotten one's new) are kept
as the hash of their token, valid once until they expire."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_team_self_service"
down_revision = "0012_oidc_session_id_token"


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "password_link",
        sa.Column("token_hash", sa.String(length=64), primary_key=True),
        sa.Column(
            "user_id",
            sa.Uuid(),
            sa.ForeignKey("app_user.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_password_link_user_id", "password_link", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_password_link_user_id", "password_link")
    op.drop_table("password_link")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("deactivated_at")
