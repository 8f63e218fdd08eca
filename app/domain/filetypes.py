"""Which files may be uploaded: an allowlist of content types, each recognised by its
bytes (magic numbers), and the type the uploader declares must be what the bytes are.
Plain text and CSV have no magic: they must be valid UTF-8 with no NUL bytes, all through.
"""

from __future__ import annotations

import codecs

from app.domain.errors import DomainError

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
RTF = "application/rtf"
TEXT = "text/plain"
CSV = "text/csv"

# Each family: the magic that starts it, and the declared types it may be.
MAGIC: tuple[tuple[bytes, frozenset[str]], ...] = (
    (b"%PDF-", frozenset({PDF})),
    (b"\x89PNG\r\n\x1a\n", frozenset({PNG})),
    (b"\xff\xd8\xff", frozenset({JPEG})),
    (b"GIF87a", frozenset({GIF})),
    (b"GIF89a", frozenset({GIF})),
    (b"PK\x03\x04", frozenset({DOCX, XLSX, PPTX, ODT, ODS})),  # zip containers
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", frozenset({DOC, XLS})),  # OLE compound file
    (b"{\\rtf", frozenset({RTF, "text/rtf"})),
)
TEXT_TYPES = frozenset({TEXT, CSV})
ALLOWED: frozenset[str] = TEXT_TYPES.union(*(types for _, types in MAGIC))
# Bytes needed to recognise any family.
HEAD_BYTES = max(len(magic) for magic, _ in MAGIC)


class UnsupportedDocumentType(DomainError):
    code = "unsupported_document_type"
    status = 415
    title = "This kind of file cannot be uploaded"
    loc = ("body", "file")


def normalise(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def check_head(declared: str, head: bytes) -> str:
    """The declared type (normalised) if it is allowed and the file's first bytes agree;
    a text type is checked further by `TextCheck`."""
    kind = normalise(declared)
    if kind not in ALLOWED:
        raise UnsupportedDocumentType(
            f"{kind or 'This type'} is not accepted: upload PDF, an image (PNG, JPEG, GIF), "
            "Word, Excel, OpenDocument, RTF, plain text or CSV."
        )
    for magic, types in MAGIC:
        if head.startswith(magic):
            if kind not in types:
                raise UnsupportedDocumentType(
                    f"The file's content is not {kind}: declare the type it is."
                )
            return kind
    if kind not in TEXT_TYPES:
        raise UnsupportedDocumentType(f"The file's content is not {kind}.")
    return kind


class TextCheck:
    """Plain text or CSV, chunk by chunk: valid UTF-8 with no NUL bytes."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def feed(self, chunk: bytes, *, final: bool = False) -> None:
        if b"\x00" in chunk:
            raise UnsupportedDocumentType("A text file may not contain NUL bytes.")
        try:
            self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            raise UnsupportedDocumentType("A text file must be valid UTF-8.") from None
