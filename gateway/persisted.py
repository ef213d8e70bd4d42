"""Persisted documents: automatic persisted queries (APQ) kept in the cache, and trusted documents — a
registry of hashes a deployment accepts, so production can refuse any other document."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import orjson

from gateway.cache import Cache
from gateway.errors import DocumentNotTrusted, PersistedQueryNotFound, PersistedQueryRefused

logger = logging.getLogger("gateway.persisted")

APQ_TTL_SECONDS = 24 * 60 * 60
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


async def resolve_document(
    query: str | None,
    extensions: dict[str, Any] | None,
    *,
    cache: Cache,
    trusted: TrustedDocuments,
    mode: TrustMode,
) -> str | None:
    """The document to run for one operation of a request, after APQ and the trust check."""
    digest = _requested_hash(extensions)
    if digest is not None:
        if query is None:
            query = trusted.documents.get(digest)
            if query is None:
                stored = await cache.get(f"apq:{digest}")
                query = None if stored is None else stored.decode()
            if query is None:
                raise PersistedQueryNotFound()
        elif document_hash(query) != digest:
            raise PersistedQueryRefused("The query does not match its `sha256Hash`.")
        else:
            await cache.set(f"apq:{digest}", query.encode(), APQ_TTL_SECONDS)
    if query is not None and mode is not TrustMode.OFF:
        digest = digest or document_hash(query)
        if digest not in trusted.documents:
            if mode is TrustMode.ENFORCE:
                raise DocumentNotTrusted()
            logger.warning("untrusted document", extra={"fields": {"document_hash": digest}})
    return query
