"""What a service needs for one request: who is asking, the clock, policy, storage.

Routers receive a `Context` through a dependency and hand it to one service call;
they never see the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import Principal
from app.domain.calendar import WorkingCalendar
from app.domain.policy import Policy
from app.settings import Settings
from app.uow import UnitOfWork

if TYPE_CHECKING:
    from app.storage import Storage


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class Context:
    principal: Principal
    request_id: str | None
    settings: Settings
    policy: Policy
    calendar: WorkingCalendar
    sessionmaker: async_sessionmaker[AsyncSession]
    storage: Storage
    clock: Callable[[], datetime] = system_clock

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work for this request, at the clock's time now."""
        return UnitOfWork(
            self.sessionmaker,
            self.principal,
            self.clock(),
            self.request_id,
            policy=self.policy,
            calendar=self.calendar,
            read_only=read_only,
        )

    def read(self) -> UnitOfWork:
        """A unit of work for a read that changes nothing: on PostgreSQL no transaction
        around it (each statement, the read audit's INSERT included, commits on its own)."""
        return self.uow(read_only=True)
