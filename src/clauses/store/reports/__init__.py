"""What the reports read (DESIGN §6): the SPASER indicators of a year and the DECP batch of a
period, from figures kept per awarded dossier and from indexes, rather than from every stored
snapshot parsed and validated at each report (5.6 to 9 s and 630 to 830 MB at 100 000
dossiers before; bench/scale.py).

Each awarded dossier's figures (:class:`~clauses.store.models.ContractFigures`) and contracts
(:class:`~clauses.store.models.DeclaredContract`, one per DECP ``marche``, the ``marche``
included) are computed by :func:`clauses.spaser.figures.dossier_figures` from its published
tender and its award, and stamped with the dossier's version (and its organisation, title and
dates at that version) and the library's version. A report first reads the awarded dossiers of
its period and their versions from an index, computes the figures that are missing or stamped
otherwise (dossiers awarded, corrected or moved since the last report, or all of them after a
library update; ``clauses serve`` computes them all before it serves), then reads only figures
of those dossiers at those versions, never a dossier's row:

- SPASER (:func:`spaser`): the year's contracts as narrow rows, dossier by dossier, summed by
  :func:`clauses.spaser.indicators.indicators_of`; the hours and people of the year's follow-up
  lines summed by the database over their indexes (kept apart from each line's JSON when it is
  added: :func:`clauses.store.stages.add_followup`).
- DECP (:func:`decp_period`, :func:`decp_json`): the stored ``marche`` of the period, as they
  come. A dossier whose contracts are not declarable as they stand (a problem of its award, or
  contracts the schema refuses: only when data or schema changed behind the application) is
  declared as before, from its snapshot, so that what is left out, and why, is the same.

Rows are streamed and figures computed by batches: memory does not grow with the dossiers.

One module per part: :mod:`.figures` (kept per dossier), :mod:`.spaser_indicators` and
:mod:`.decp_file`.
"""

from clauses.store.reports.decp_file import DecpPeriod, decp_json, decp_period
from clauses.store.reports.figures import Scope, figures_rows, refresh
from clauses.store.reports.spaser_indicators import active, performed, spaser

__all__ = [
    "DecpPeriod",
    "Scope",
    "active",
    "decp_json",
    "decp_period",
    "figures_rows",
    "performed",
    "refresh",
    "spaser",
]
