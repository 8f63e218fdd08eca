"""A person's records follow the person: every table with a scope column (`team`,
`scope_team`) is either moved by `app/services/transfers.py` or named there as staying,
with a reason. A new table with a team column fails here until someone decides."""

from __future__ import annotations

from sqlmodel import SQLModel

import app.models  # noqa: F401 - registers every table
from app.services.transfers import FOLLOWS, MOVED_SPECIALLY, STAYS

SCOPE_COLUMNS = {"team", "scope_team"}


def test_every_table_with_a_team_column_follows_the_person_or_says_why_not() -> None:
    scoped = {
        table.name
        for table in SQLModel.metadata.sorted_tables
        if SCOPE_COLUMNS & set(table.columns.keys())
    }
    decided = [m.__tablename__ for m, _ in FOLLOWS] + [
        m.__tablename__ for m in (*MOVED_SPECIALLY, *STAYS)
    ]
    assert len(decided) == len(set(decided)), "a table is listed twice"
    assert scoped - set(decided) == set(), "add these tables to FOLLOWS or STAYS"
    assert set(decided) - scoped == set(), "these tables have no team column"
