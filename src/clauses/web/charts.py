"""Bar charts of the pages, drawn without JavaScript (inline SVG bars) and accessible: each chart
says what it shows in its text alternative, and the page always gives its data table next to
it (``templates/_charts.html``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clauses import french
from clauses.followup.balance import Balance
from clauses.followup.report import lot_label
from clauses.spaser.tables import Table, text


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the page writes it
    width: float  # in [0, 100]: the share of the chart's largest value
    series: str = "main"  # the CSS class of the bar (a colour, never the only cue)


@dataclass(frozen=True)
class Group:
    label: str
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    id: str
    caption: str
    groups: list[Group]

    @property
    def alternative(self) -> str:
        """The chart in words (its ``aria-label``)."""
        parts = []
        for group in self.groups:
            values = ", ".join(f"{bar.label} {bar.text}" for bar in group.bars)
            parts.append(f"{group.label} : {values}" if group.label else values)
        return f"Graphique en barres, {self.caption} : " + " ; ".join(parts) + "."


def _width(value: float, most: float) -> float:
    return round(100 * value / most, 1) if most > 0 else 0.0


def table_chart(chart_id: str, table: Table) -> Chart | None:
    """The chart of a SPASER table marked ``chart``: its first numeric column, one bar a row."""
    if not table.chart or not table.rows:
        return None
    values = [float(row[1]) if isinstance(row[1], int | float) else 0.0 for row in table.rows]
    most = max(values)
    kind = table.kind(0, 1)
    bars = [
        Bar(str(row[0]), value, french.typography(text(row[1], kind)), _width(value, most))
        for row, value in zip(table.rows, values, strict=True)
    ]
    return Chart(chart_id, f"{table.title} ({table.header[1].lower()})", [Group("", bars)])


SERIES = (
    ("owed", "dues"),
    ("performed", "réalisées"),
    ("deducted", "non imputables déduites"),
    ("missing", "manquantes"),
)


def balance_chart(chart_id: str, result: Balance) -> Chart:
    """Hours owed, performed, deducted and missing, lot by lot, on one scale."""
    lots = result.lots
    most = max([max(lot.owed, lot.performed) for lot in lots] or [0.0])
    groups = []
    for lot in lots:
        bars = []
        for series, label in SERIES:
            value = float(getattr(lot, series))
            bars.append(
                Bar(
                    label.capitalize(),
                    value,
                    f"{french.number(value, 2)} h",
                    _width(value, most),
                    series,
                )
            )
        groups.append(Group(lot_label(lot.lot), bars))
    return Chart(chart_id, "heures d’insertion par lot", groups)


def charts_of(tables: Sequence[Table]) -> list[Chart | None]:
    return [table_chart(f"graphique-{i}", t) for i, t in enumerate(tables, start=1)]
