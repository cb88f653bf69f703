"""SPASER indicators of an organisation and a year (L2111-3), as .xlsx and .docx (DESIGN §6)."""

from clauses.spaser.export import spaser_docx, spaser_xlsx
from clauses.spaser.indicators import ContractRecord, Indicators, indicators

__all__ = ["ContractRecord", "Indicators", "indicators", "spaser_docx", "spaser_xlsx"]
