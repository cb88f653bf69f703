"""Award data and the DECP 2.0.3 open-data export of a contract (DESIGN §3.6)."""

from clauses.decp.award import Award, parse_award
from clauses.decp.batch import Contract, DecpBatch, decp_batch
from clauses.decp.document import DecpError, DecpSchema, decp_document, default_schema_path

__all__ = [
    "Award",
    "Contract",
    "DecpBatch",
    "DecpError",
    "DecpSchema",
    "decp_batch",
    "decp_document",
    "default_schema_path",
    "parse_award",
]
