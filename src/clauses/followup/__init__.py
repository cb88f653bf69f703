"""Follow-up of the insertion hours performed, per lot and period (DESIGN §6)."""

from clauses.followup.balance import Balance, LotBalance, balance
from clauses.followup.model import (
    FollowUp,
    HoursRecord,
    NonImputable,
    OrderedAmount,
    PeopleCount,
    check_followup,
)
from clauses.followup.statement import RowError, Statement, read_statement

__all__ = [
    "Balance",
    "FollowUp",
    "HoursRecord",
    "LotBalance",
    "NonImputable",
    "OrderedAmount",
    "PeopleCount",
    "RowError",
    "Statement",
    "balance",
    "check_followup",
    "read_statement",
]
