"""Documents: multipart uploads attached to an owner record (a referral, support request
or placement), content kept in `Storage`, streamed back with the caller's scope checked.

Which records own documents, and who may upload to each, is `OWNERS`, set by
`app.wiring`; this module does the rest, so every owner's documents behave the same.
A team manager quality-assures a document (R3, seed 003: "quality assured by the
supervising manager"); what reacts to that (panel bookings counting it) is `ON_ASSURED`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass

from sqlmodel import SQLModel, col, select

from app.context import Context
from app.domain.filetypes import HEAD_BYTES, TEXT_TYPES, TextCheck, check_head, normalise
from app.domain.panels import check_assure
from app.domain.policy import DOCUMENT_KINDS
from app.ids import uuid7
from app.models import Document
from app.pagination import PageParams
from app.problems import PayloadTooLarge, ValidationFailed
from app.schemas.documents import DocumentRead
from app.services.common import fetch_page, load_visible, scope_column
from app.storage import Readable, TooLarge
from app.uow import UnitOfWork


@dataclass(frozen=True)
class Owner:
    """An owner record, once the caller may see it: its scope team and a label."""

    type: str
    id: uuid.UUID
    scope_team: str | None


@dataclass(frozen=True)
class OwnerKind:
    """A kind of record documents attach to: its table (scoped as `load_visible` scopes
    it) and the operation in app.permissions that may upload to it."""

    model: type[SQLModel]
    upload_operation: str


# owner type -> its kind; set by app.wiring
OWNERS: Mapping[str, OwnerKind] = {}
# owner type -> a hook run in the upload's transaction; set by app.wiring
AfterUpload = Callable[[UnitOfWork, Owner, Document], Awaitable[None]]
AFTER_UPLOAD: Mapping[str, AfterUpload] = {}
# Reactions to a document quality-assured (R3), in its transaction; set by app.wiring
OnAssured = Callable[[UnitOfWork, Document], Awaitable[None]]
ON_ASSURED: tuple[OnAssured, ...] = ()


async def load_owner(uow: UnitOfWork, owner_type: str, owner_id: uuid.UUID) -> Owner:
    """The owner record if the caller may see it; 404 otherwise."""
    model = OWNERS[owner_type].model
    row = await load_visible(uow, model, owner_id)
    column = scope_column(model)
    return Owner(type=owner_type, id=owner_id, scope_team=getattr(row, column) if column else None)


class CheckedUpload:
    """The upload as storage reads it, checked on the way: its first bytes must be the
    declared type (an allowlist, app.domain.filetypes), and text all valid UTF-8 without
    NULs. A refusal stops the save, and storage discards what it had written."""

    def __init__(self, source: Readable, declared: str) -> None:
        self.source = source
        self.declared = declared
        self.content_type = normalise(declared)
        self._head = b""
        self._checked = False
        self._text: TextCheck | None = None

    async def read(self, size: int = -1) -> bytes:
        chunk = await self.source.read(size)
        if not self._checked:
            self._head += chunk
            if len(self._head) < HEAD_BYTES and chunk:
                return chunk
            self.content_type = check_head(self.declared, self._head)
            self._checked = True
            if self.content_type in TEXT_TYPES:
                self._text = TextCheck()
                self._text.feed(self._head, final=not chunk)
            return chunk
        if self._text is not None:
            self._text.feed(chunk, final=not chunk)
        return chunk


def to_read(document: Document) -> DocumentRead:
    return DocumentRead.model_validate(document)


def _check_kind(kind: str) -> None:
    if kind not in DOCUMENT_KINDS:
        raise ValidationFailed(
            f"kind must be one of: {', '.join(DOCUMENT_KINDS)}.",
            errors=[{"loc": ["body", "kind"], "msg": "unknown document kind"}],
        )


async def upload(
    ctx: Context,
    owner_type: str,
    owner_id: uuid.UUID,
    *,
    kind: str,
    filename: str,
    content_type: str,
    source: Readable,
    description: str | None = None,
) -> DocumentRead:
    """Store the content first (outside the transaction), then record the document with its
    audit entry and event; if the record can't be written the content is discarded."""
    async with ctx.uow() as uow:
        owner = await load_owner(uow, owner_type, owner_id)
        ctx.principal.require(OWNERS[owner_type].upload_operation)
    _check_kind(kind)
    checked = CheckedUpload(source, content_type)
    try:
        stored = await ctx.storage.save(checked, max_bytes=ctx.settings.max_upload_bytes)
    except TooLarge:
        raise PayloadTooLarge(
            f"A document may be at most {ctx.settings.max_upload_bytes} bytes."
        ) from None
    try:
        async with ctx.uow() as uow:
            owner = await load_owner(uow, owner_type, owner_id)
            document = Document(
                id=uuid7(),
                owner_type=owner.type,
                owner_id=owner.id,
                scope_team=owner.scope_team,
                kind=kind,
                filename=filename[:255] or "document",
                content_type=checked.content_type,
                size=stored.size,
                sha256=stored.sha256,
                storage_key=stored.key,
                received_at=uow.now,
                updated_at=uow.now,
                uploaded_by=ctx.principal.sub,
                description=description,
            )
            uow.add(document)
            await uow.flush()
            hook = AFTER_UPLOAD.get(owner_type)
            if hook is not None:
                await hook(uow, owner, document)
            read = to_read(document)
            uow.record(
                "uploaded",
                "document",
                document.id,
                after=read.model_dump(mode="json"),
                data={"owner_type": owner.type, "owner_id": str(owner.id)},
                team=owner.scope_team,
            )
            return read
    except BaseException:
        await ctx.storage.discard(stored.key)
        raise


async def list_for(
    ctx: Context, owner_type: str, owner_id: uuid.UUID, kind: str | None, page: PageParams
) -> tuple[list[DocumentRead], str | None]:
    async with ctx.uow() as uow:
        await load_owner(uow, owner_type, owner_id)
        stmt = (
            select(Document)
            .where(col(Document.owner_type) == owner_type)
            .where(col(Document.owner_id) == owner_id)
        )
        if kind:
            stmt = stmt.where(col(Document.kind) == kind)
        rows, next_cursor = await fetch_page(uow.session, stmt, col(Document.id), page)
        return [to_read(d) for d in rows], next_cursor


async def load_document(
    uow: UnitOfWork, document_id: uuid.UUID, *, for_update: bool = False
) -> Document:
    """The document if the caller may see it (its scope team, else its owner's); 404."""
    document = await load_visible(uow, Document, document_id, for_update=for_update)
    if document.scope_team is None and document.owner_type in OWNERS:
        await load_owner(uow, document.owner_type, document.owner_id)
    return document


async def get(ctx: Context, document_id: uuid.UUID) -> DocumentRead:
    async with ctx.uow() as uow:
        return to_read(await load_document(uow, document_id))


async def content(
    ctx: Context, document_id: uuid.UUID
) -> tuple[DocumentRead, AsyncIterator[bytes]]:
    """The document and a stream of its bytes; the read is audited (R19)."""
    async with ctx.uow() as uow:
        document = await load_document(uow, document_id)
        await uow.audit_reads("document", [document.id], "document.content_read")
    return to_read(document), ctx.storage.open(document.storage_key)


async def assure(ctx: Context, document_id: uuid.UUID) -> DocumentRead:
    """R3: a team manager quality-assures a document, once (again: 409
    `invalid_transition`); from then on it counts toward the panel bookings it is
    attached to. Audited, one event `document.assured` (ids only)."""
    async with ctx.uow() as uow:
        document = await load_document(uow, document_id, for_update=True)
        ctx.principal.require("documents.assure")
        check_assure(document.assured_at)
        document.assured_at = uow.now
        document.assured_by = ctx.principal.sub
        document.updated_at = uow.now
        uow.add(document)
        await uow.flush()
        for react in ON_ASSURED:
            await react(uow, document)
        read = to_read(document)
        uow.record(
            "assured",
            "document",
            document.id,
            before={"assured_at": None, "assured_by": None},
            after={
                "assured_at": read.model_dump(mode="json")["assured_at"],
                "assured_by": document.assured_by,
            },
            data={
                "document_id": str(document.id),
                "kind": document.kind,
                "owner_type": document.owner_type,
                "owner_id": str(document.owner_id),
                "changed": ["assured_at", "assured_by"],
            },
            team=document.scope_team,
        )
        return read
