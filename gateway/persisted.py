"""Persisted documents: automatic persisted queries (APQ) kept in the cache, and trusted documents — a
registry of hashes a deployment accepts, so production can refuse any other document."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

import orjson

from gateway.cache import Cache
from gateway.errors import DocumentNotTrusted, PersistedQueryNotFound, PersistedQueryRefused

logger = logging.getLogger("gateway.persisted")

APQ_TTL_SECONDS = 24 * 60 * 60
# The in-process store: at most this many documents and bytes (each document is within the size limit).
APQ_MAX_ENTRIES = 1000
APQ_MAX_BYTES = 16 * 1024 * 1024
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class TrustMode(Enum):
    OFF = "off"  # any document runs
    LOG = "log"  # any document runs; untrusted ones are logged (to roll trust out safely)
    ENFORCE = "enforce"  # only registered documents run


def document_hash(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


@dataclass(slots=True)
class TrustedDocuments:
    """The registry: a JSON manifest `{sha256: document}`, shipped with a deployment (every replica
    reads the same file), written by `python -m gateway trust-documents FILE…`."""

    path: Path
    documents: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> TrustedDocuments:
        if not path.exists():
            return cls(path=path, documents={})
        loaded = orjson.loads(path.read_bytes())
        if not isinstance(loaded, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and document_hash(v) == k for k, v in loaded.items()
        ):
            raise ValueError(f"{path} is not a manifest of sha256 hashes to their documents")
        return cls(path=path, documents=dict(loaded))

    def register(self, document: str) -> str:
        digest = document_hash(document)
        self.documents[digest] = document
        return digest

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside and rename, so a replica reading the file never sees half of it.
        with tempfile.NamedTemporaryFile("wb", dir=self.path.parent, delete=False) as temporary:
            temporary.write(orjson.dumps(self.documents, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2))
        os.replace(temporary.name, self.path)


def _requested_hash(extensions: dict[str, Any] | None) -> str | None:
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise PersistedQueryRefused("`extensions.persistedQuery` must be {version: 1, sha256Hash}.")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or _SHA256_HEX.fullmatch(digest) is None:
        raise PersistedQueryRefused("`sha256Hash` must be 64 lower-case hexadecimal digits.")
    return digest


class PersistedQueries(Protocol):
    """Where APQ documents are kept between requests."""

    async def get(self, digest: str) -> str | None: ...

    async def put(self, digest: str, document: str) -> None: ...


class SharedPersistedQueries:
    """In the shared cache (Redis), so that every replica knows a document any of them was sent; each
    entry expires a day after it was last registered."""

    def __init__(self, cache: Cache, ttl_seconds: float = APQ_TTL_SECONDS) -> None:
        self.cache = cache
        self.ttl_seconds = ttl_seconds

    async def get(self, digest: str) -> str | None:
        stored = await self.cache.get(f"apq:{digest}")
        return None if stored is None else stored.decode()

    async def put(self, digest: str, document: str) -> None:
        await self.cache.set(f"apq:{digest}", document.encode(), self.ttl_seconds)


class RecentPersistedQueries:
    """In this process, the documents used last, within a number of entries and of bytes (a client whose
    document was dropped sends it again: APQ's answer to a miss)."""

    def __init__(self, max_entries: int = APQ_MAX_ENTRIES, max_bytes: int = APQ_MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    async def get(self, digest: str) -> str | None:
        document = self._documents.get(digest)
        if document is not None:
            self._documents.move_to_end(digest)
        return document

    async def put(self, digest: str, document: str) -> None:
        size = len(document.encode())
        if size > self.max_bytes:
            return
        previous = self._documents.pop(digest, None)
        if previous is not None:
            self.bytes -= len(previous.encode())
        self._documents[digest] = document
        self.bytes += size
        while len(self._documents) > self.max_entries or self.bytes > self.max_bytes:
            _, dropped = self._documents.popitem(last=False)
            self.bytes -= len(dropped.encode())


def persisted_queries(cache: Cache, *, shared: bool) -> PersistedQueries:
    """The shared store when replicas share a cache (REDIS_URL), a bounded one of this process otherwise."""
    return SharedPersistedQueries(cache) if shared else RecentPersistedQueries()


async def resolve_document(
    query: str | None,
    extensions: dict[str, Any] | None,
    *,
    store: PersistedQueries,
    trusted: TrustedDocuments,
    mode: TrustMode,
    storable: Callable[[str], bool],
) -> str | None:
    """The document to run for one operation of a request, after APQ and the trust check. A document sent
    with its hash is kept only once it is trusted (where trust is enforced) and `storable` (its size,
    parse, limits and validation) says it could run: nothing a request is refused for stays behind."""
    digest = _requested_hash(extensions)
    register = False
    if digest is not None:
        if query is None:
            query = trusted.documents.get(digest)
            if query is None:
                query = await store.get(digest)
            if query is None:
                raise PersistedQueryNotFound()
        elif document_hash(query) != digest:
            raise PersistedQueryRefused("The query does not match its `sha256Hash`.")
        else:
            register = True
    if query is not None and mode is not TrustMode.OFF:
        known = digest or document_hash(query)
        if known not in trusted.documents:
            if mode is TrustMode.ENFORCE:
                raise DocumentNotTrusted()
            logger.warning("untrusted document", extra={"fields": {"document_hash": known}})
    if register and digest is not None and query is not None and storable(query):
        await store.put(digest, query)
    return query
