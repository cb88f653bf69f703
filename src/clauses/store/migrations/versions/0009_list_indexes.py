"""The dossier list read page by page from an index in its order, whatever the page and the tab
(keyset pagination, ``clauses.store.crud.Cursor``): the list's index gains the id that breaks
ties, each stage tab gets its own; the index on the last change alone, which no query reads,
goes (every save updates the indexes of that column)."""

from __future__ import annotations

from alembic import op

revision = "0009_list_indexes"
down_revision = "0008_report_figures"

LIST = ["organisation_id", "status", "updated_at"]


def upgrade() -> None:
    op.drop_index("ix_dossier_updated_at", "dossier")
    op.drop_index("ix_dossier_organisation_list", "dossier")
    op.create_index("ix_dossier_organisation_list", "dossier", [*LIST, "id"])
    op.create_index(
        "ix_dossier_organisation_stage",
        "dossier",
        ["organisation_id", "status", "stage", "updated_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_dossier_organisation_stage", "dossier")
    op.drop_index("ix_dossier_organisation_list", "dossier")
    op.create_index("ix_dossier_organisation_list", "dossier", LIST)
    op.create_index("ix_dossier_updated_at", "dossier", ["updated_at"])
