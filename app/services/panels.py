"""Panels (seed 003): the practice assurance and funding panel meetings referrals are
booked into. Bookings are `app.services.panel_bookings`, their R3 documents
`app.services.panel_documents`, their R4 decisions and actions
`app.services.panel_decisions`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from app.context import Context
from app.ids import uuid7
from app.models import Panel
from app.pagination import PageParams
from app.schemas.panels import PanelCreate, PanelRead
from app.services.common import fetch_page, load_visible

SUBJECT = "panel"


@dataclass(frozen=True)
class PanelsFilter:
    kind: str | None = None
    from_date: date | None = None
    to_date: date | None = None


async def create_panel(ctx: Context, body: PanelCreate) -> PanelRead:
    ctx.principal.require("panels.write")
    async with ctx.uow() as uow:
        panel = Panel(
            **body.model_dump(),
            id=uuid7(),
            created_by=ctx.principal.sub,
            created_at=uow.now,
            updated_at=uow.now,
        )
        uow.add(panel)
        await uow.flush()
        read = PanelRead.model_validate(panel)
        uow.record("created", SUBJECT, panel.id, after=read.model_dump(mode="json"))
        return read


async def get_panel(ctx: Context, panel_id: uuid.UUID) -> PanelRead:
    async with ctx.uow() as uow:
        return PanelRead.model_validate(await load_visible(uow, Panel, panel_id))


async def list_panels(
    ctx: Context, flt: PanelsFilter, page: PageParams
) -> tuple[list[PanelRead], str | None]:
    async with ctx.uow() as uow:
        stmt = select(Panel)
        if flt.kind:
            stmt = stmt.where(col(Panel.kind) == flt.kind)
        if flt.from_date:
            stmt = stmt.where(col(Panel.date) >= flt.from_date)
        if flt.to_date:
            stmt = stmt.where(col(Panel.date) <= flt.to_date)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Panel.id), page)
        return [PanelRead.model_validate(p) for p in rows], next_cursor
