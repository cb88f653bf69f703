"""What the reports read, kept per awarded dossier: its figures (``contract_figures``) and its
contracts (``declared_contract``, one per DECP ``marche``). Created empty: the reports compute
them for the dossiers of their period (and ``clauses serve`` for all, before it serves)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008_report_figures"
down_revision = "0007_account_security"


def _dossier() -> sa.Column[uuid.UUID]:
    return sa.Column(
        "dossier_id",
        sa.Uuid(),
        sa.ForeignKey("dossier.id", ondelete="CASCADE"),
        primary_key=True,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "contract_figures",
        _dossier(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("library_version", sa.String(length=40), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.Column("notified_until", sa.Date(), nullable=True),
        sa.Column("tender", sa.Boolean(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("obligation_applies", sa.Boolean(), nullable=False),
        sa.Column("reserved_whole", sa.Integer(), nullable=False),
        sa.Column("derogation_ground", sa.Text(), nullable=True),
        sa.Column("derogation_justification", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_contract_figures_organisation_notified",
        "contract_figures",
        ["organisation_id", "notified_on"],
    )
    op.create_table(
        "declared_contract",
        _dossier(),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False, nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("lot", sa.Integer(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=False),
        sa.Column("amount_eur", sa.Float(), nullable=False),
        sa.Column("social", sa.String(length=200), nullable=False),
        sa.Column("environmental", sa.String(length=200), nullable=False),
        sa.Column("hours_planned", sa.Integer(), nullable=False),
        sa.Column("reserved_lots", sa.Integer(), nullable=False),
        sa.Column("marche", sa.JSON(), nullable=False),
    )
    op.create_index(
        "ix_declared_contract_organisation_notified",
        "declared_contract",
        [
            "organisation_id",
            "notified_on",
            "dossier_id",
            "position",
            "lot",
            "amount_eur",
            "hours_planned",
            "reserved_lots",
            "social",
            "environmental",
        ],
    )


def downgrade() -> None:
    op.drop_table("declared_contract")
    op.drop_table("contract_figures")
