"""Documents: `/v1/documents/{id}` and its content. Owner routes (`/v1/referrals/{id}/
documents`, ...) are made by `owner_routes` so every owner behaves the same."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from app.deps import ChangedPaging, Ctx
from app.domain.policy import DOCUMENT_KINDS
from app.pagination import Page
from app.problems import problem_responses
from app.routers.http import created, page
from app.schemas.documents import AssureBody, DocumentRead
from app.services import documents as service

router = APIRouter(tags=["documents"])

KIND_HELP = "One of: " + ", ".join(DOCUMENT_KINDS)


@router.get("/v1/documents/{document_id}", responses=problem_responses(404))
async def get_document(document_id: uuid.UUID, response: Response, ctx: Ctx) -> DocumentRead:
    """A document's metadata (kind, filename, size, sha256, received_at, assured_at). The
    content never changes; the ETag is its hash, marked once the document is assured."""
    document = await service.get(ctx, document_id)
    response.headers["ETag"] = metadata_etag(document)
    return document


@router.post(
    "/v1/documents/{document_id}/assure",
    responses=problem_responses(403, 404, 409),
)
async def assure_document(
    document_id: uuid.UUID, response: Response, ctx: Ctx, body: AssureBody | None = None
) -> DocumentRead:
    """A team manager quality-assures a document (R3, seed 003): it gains `assured_at` and
    `assured_by`, and from then on counts toward the practice assurance bookings it is
    attached to. Once only: assuring it again is 409 `invalid_transition` (R3), so the
    record keeps who assured it first. Audited; one event `document.assured`."""
    document = await service.assure(ctx, document_id)
    response.headers["ETag"] = metadata_etag(document)
    return document


def metadata_etag(document: DocumentRead) -> str:
    """The content hash, with `-assured` once assured (the metadata then differs)."""
    suffix = "-assured" if document.assured_at is not None else ""
    return f'"{document.sha256}{suffix}"'


@router.get(
    "/v1/documents/{document_id}/content",
    responses={
        **problem_responses(404),
        200: {"content": {"application/octet-stream": {}}, "description": "The file's bytes"},
    },
    response_class=StreamingResponse,
)
async def get_document_content(document_id: uuid.UUID, ctx: Ctx) -> StreamingResponse:
    """The file as uploaded, streamed. Reading it is recorded in the audit trail."""
    document, stream = await service.content(ctx, document_id)
    return StreamingResponse(
        stream,
        media_type=document.content_type,
        headers={
            "Content-Length": str(document.size),
            "Content-Disposition": content_disposition(document.filename),
            "ETag": f'"{document.sha256}"',
            # X-Content-Type-Options: nosniff comes with every /v1 response (middleware).
            # Never rendered as a page of this origin, whatever the file holds.
            "Content-Security-Policy": "sandbox",
        },
    )


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real name as RFC 6266 `filename*`."""
    fallback = "".join(c for c in filename if c.isascii() and (c.isalnum() or c in "._- "))
    encoded = quote(filename, safe="")
    return f"attachment; filename=\"{fallback or 'document'}\"; filename*=UTF-8''{encoded}"


def owner_routes(router: APIRouter, prefix: str, owner_type: str, name: str) -> None:
    """Add `GET,POST {prefix}/{id}/documents` for one owner type."""

    async def list_documents(
        owner_id: uuid.UUID,
        request: Request,
        response: Response,
        ctx: Ctx,
        paging: ChangedPaging,
        kind: Annotated[str | None, Query(max_length=50)] = None,
    ) -> Page[DocumentRead]:
        return page(
            request, response, await service.list_for(ctx, owner_type, owner_id, kind, paging)
        )

    async def upload_document(
        owner_id: uuid.UUID,
        request: Request,
        response: Response,
        ctx: Ctx,
        file: Annotated[UploadFile, File(description="The file")],
        kind: Annotated[str, Form(description=KIND_HELP, max_length=50)],
        description: Annotated[str | None, Form(max_length=1000)] = None,
    ) -> DocumentRead:
        document = await service.upload(
            ctx,
            owner_type,
            owner_id,
            kind=kind,
            filename=file.filename or "document",
            content_type=file.content_type or "application/octet-stream",
            source=file,
            description=description,
        )
        created(response, request, f"/v1/documents/{document.id}")
        return document

    router.add_api_route(
        f"{prefix}/{{owner_id}}/documents",
        list_documents,
        methods=["GET"],
        name=f"list_{name}_documents",
        response_model=Page[DocumentRead],
        responses=problem_responses(404),
        summary=f"List a {owner_type}'s documents",
        description=(
            f"The documents attached to a {owner_type}, oldest first; `kind` filters, and "
            "`updated_since` keeps those uploaded or assured at or after an instant."
        ),
    )
    router.add_api_route(
        f"{prefix}/{{owner_id}}/documents",
        upload_document,
        methods=["POST"],
        name=f"upload_{name}_document",
        status_code=201,
        response_model=DocumentRead,
        responses=problem_responses(403, 404, 413, 415),
        summary=f"Upload a document to a {owner_type} (multipart: file, kind)",
        description=(
            f"Attach a file to a {owner_type}: multipart/form-data with `file` and `kind` "
            "(one of the document kinds in GET /v1/policy). 413 over PLACEMENTS_MAX_UPLOAD_BYTES."
        ),
    )
