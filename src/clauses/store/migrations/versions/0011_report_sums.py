"""What a year's report reads, from indexes alone: the awarded dossiers of a period with their
versions (an index of those columns, without the drafts, which a save would otherwise update),
the hours of each follow-up line and the people it declares (``followup_people``), kept apart
from the line's JSON and filled here from it."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_report_sums"
down_revision = "0010_rate_events"

NOTIFIED = ["organisation_id", "notified_on", "notified_until", "stage", "version", "id"]
AWARDED_ONLY = sa.text("notified_on IS NOT NULL")
# The line's hours and its people, read from its JSON by each database's own functions.
FILL = {
    "sqlite": (
        "UPDATE followup_entry SET hours = json_extract(data, '$.hours') WHERE kind = 'hours'",
        "INSERT INTO followup_people (entry_id, organisation_id, period_end, public, outcome, "
        "count) SELECT e.id, e.organisation_id, e.period_end, json_extract(p.value, '$.public'), "
        "json_extract(p.value, '$.outcome'), json_extract(p.value, '$.count') "
        "FROM followup_entry AS e, json_each(e.data, '$.people') AS p WHERE e.kind = 'hours'",
    ),
    "postgresql": (
        "UPDATE followup_entry SET hours = (data ->> 'hours')::float WHERE kind = 'hours'",
        "INSERT INTO followup_people (entry_id, organisation_id, period_end, public, outcome, "
        "count) SELECT e.id, e.organisation_id, e.period_end, p ->> 'public', p ->> 'outcome', "
        "(p ->> 'count')::int FROM followup_entry AS e, json_array_elements(e.data -> 'people') "
        "AS p WHERE e.kind = 'hours'",
    ),
}


def upgrade() -> None:
    op.drop_index("ix_dossier_organisation_notified", "dossier")
    op.create_index(
        "ix_dossier_organisation_notified",
        "dossier",
        NOTIFIED,
        sqlite_where=AWARDED_ONLY,
        postgresql_where=AWARDED_ONLY,
    )
    with op.batch_alter_table("followup_entry") as batch:
        batch.add_column(sa.Column("hours", sa.Float(), nullable=True))
    op.drop_index("ix_followup_entry_organisation_end", "followup_entry")
    op.create_index(
        "ix_followup_entry_organisation_end",
        "followup_entry",
        ["organisation_id", "period_end", "kind", "hours"],
    )
    op.create_table(
        "followup_people",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("followup_entry.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("public", sa.String(length=60), nullable=False),
        sa.Column("outcome", sa.String(length=60), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_followup_people_entry_id", "followup_people", ["entry_id"])
    op.create_index(
        "ix_followup_people_organisation_end",
        "followup_people",
        ["organisation_id", "period_end", "public", "outcome", "count"],
    )
    for statement in FILL[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("followup_people")
    op.drop_index("ix_followup_entry_organisation_end", "followup_entry")
    op.create_index(
        "ix_followup_entry_organisation_end", "followup_entry", ["organisation_id", "period_end"]
    )
    with op.batch_alter_table("followup_entry") as batch:
        batch.drop_column("hours")
    op.drop_index("ix_dossier_organisation_notified", "dossier")
    op.create_index(
        "ix_dossier_organisation_notified", "dossier", ["organisation_id", "notified_on"]
    )
