"""Document content storage behind a small interface, so an object store can replace
the local directory (PLACEMENTS_FILES_DIR)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

CHUNK = 64 * 1024


class Readable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str


class TooLarge(Exception):
    pass


class Storage(Protocol):
    async def save(self, source: Readable, *, max_bytes: int) -> Stored: ...

    def open(self, key: str) -> AsyncIterator[bytes]: ...

    async def discard(self, key: str) -> None: ...


class LocalStorage:
    """Files under one directory, written to a temporary name, fsynced, then renamed."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the store")
        return path

    async def save(self, source: Readable, *, max_bytes: int) -> Stored:
        key_id = uuid.uuid4().hex
        key = f"{key_id[:2]}/{key_id}"
        path = self._path(key)
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        temp = path.with_suffix(".part")
        digest = hashlib.sha256()
        size = 0
        handle = await asyncio.to_thread(open, temp, "wb")
        try:
            while chunk := await source.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge
                digest.update(chunk)
                await asyncio.to_thread(handle.write, chunk)
            await asyncio.to_thread(handle.flush)
            await asyncio.to_thread(os.fsync, handle.fileno())
        except BaseException:
            handle.close()
            await asyncio.to_thread(temp.unlink, True)
            raise
        handle.close()
        await asyncio.to_thread(os.replace, temp, path)
        return Stored(key=key, size=size, sha256=digest.hexdigest())

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        handle = await asyncio.to_thread(open, path, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            handle.close()

    async def discard(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)
