"""File uploads of the GraphQL multipart request spec, parsed while the request streams in.

Each file is kept up to the per-file limit (in memory up to 1 MiB, then in a temporary file that is
deleted when the upload is closed); bytes beyond the limit are counted and dropped, and the file is
marked too large so that the mutation can name it. Files beyond the per-request count are not kept at
all. A request larger than its cap is cut off with HTTP 413 as soon as the cap is passed.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import TYPE_CHECKING, Any

import orjson
from cross_web import HTTPException, StarletteRequestAdapter
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request
from strawberry.file_uploads.utils import replace_placeholders_with_files

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

# The Online Provider Messaging guide: "Maximum file size for uploading is 20mb"; the issue fixes it at 20 ×
# 1024 × 1024 bytes.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
# What a file keeps in memory before it moves to a temporary file.
_SPOOL_BYTES = 1024 * 1024
# `operations` and `map` are small JSON documents; anything else in the form is not ours.
_MAX_FIELD_BYTES = 1024 * 1024
_MAX_FIELDS = 8
# Enough of a file's first bytes to recognise its type.
_HEAD_BYTES = 16
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class UploadLimits:
    file_bytes: int = MAX_FILE_BYTES
    files: int = MAX_FILES
    request_bytes: int = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024


class UploadedFile:
    """One file of a multipart request: its name, its first bytes, its size and SHA-256, and its bytes
    when it is within the limit."""

    def __init__(self, filename: str, declared_type: str | None, *, limit: int, kept: bool) -> None:
        self.filename = filename
        self.declared_type = declared_type
        self.limit = limit
        # Bytes received, including any beyond the limit.
        self.size = 0
        self.head = b""
        # Past the per-request file count: nothing of it was kept.
        self.discarded = not kept
        self._digest = hashlib.sha256()
        self._spool: SpooledTemporaryFile[bytes] | None = None
        if kept:
            # Not a `with`: the upload outlives this call, and `close` or the finalizer below ends it.
            spool: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(max_size=_SPOOL_BYTES)  # noqa: SIM115
            self._spool = spool
            # Closed (and its temporary file deleted) when the upload is dropped, even if nobody read it.
            weakref.finalize(self, spool.close)

    @property
    def too_large(self) -> bool:
        return self.size > self.limit

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def write(self, data: bytes) -> None:
        if len(self.head) < _HEAD_BYTES:
            self.head += data[: _HEAD_BYTES - len(self.head)]
        self.size += len(data)
        if self._spool is None:
            return
        if self.too_large:
            # Over the limit: give back what was kept; the rest of the file is only counted.
            self.close()
            return
        self._digest.update(data)
        # Temporary files land in the page cache: a thread hop per chunk would cost more than it saves.
        self._spool.write(data)

    def read(self) -> bytes:
        """The whole file; only for a file within the limit."""
        if self._spool is None:
            raise ValueError("this upload was not kept")
        self._spool.seek(0)
        return self._spool.read()

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None


class StreamingRequestAdapter(StarletteRequestAdapter):
    """strawberry's Starlette request adapter, with the request itself at hand for streaming its body."""

    def __init__(self, request: Request) -> None:
        super().__init__(request)
        self.request = request


class _Form:
    """The callbacks of python-multipart's streaming parser: form fields and files as they arrive."""

    def __init__(self, limits: UploadLimits) -> None:
        self.limits = limits
        self.fields: dict[str, bytes] = {}
        self.files: dict[str, UploadedFile] = {}
        self._file_count = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._content_type: bytes | None = None
        self._field_name: str | None = None
        self._field: bytearray | None = None
        self._file: UploadedFile | None = None

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
        }

    def on_part_begin(self) -> None:
        self._disposition, self._content_type = b"", None
        self._field_name, self._field, self._file = None, None, None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        name = self._header_name.lower()
        if name == b"content-disposition":
            self._disposition = self._header_value
        elif name == b"content-type":
            self._content_type = self._header_value
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise HTTPException(400, "A multipart part has no name.")
        name = options[b"name"].decode("utf-8", "replace")
        self._field_name = name
        if b"filename" not in options:
            if len(self.fields) >= _MAX_FIELDS:
                raise HTTPException(400, "Too many form fields for a GraphQL multipart request.")
            self._field = bytearray()
            return
        self._file_count += 1
        filename = options[b"filename"].decode("utf-8", "replace")
        # Only the last part of a path some browsers send (never a directory of ours), and no control
        # characters (a store cannot keep NUL, a header cannot carry a line break).
        filename = _CONTROL.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1])
        declared = None if self._content_type is None else self._content_type.decode("latin-1")
        self._file = UploadedFile(
            filename,
            declared,
            limit=self.limits.file_bytes,
            kept=self._file_count <= self.limits.files,
        )

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file is not None:
            self._file.write(data[start:end])
        elif self._field is not None:
            if len(self._field) + (end - start) > _MAX_FIELD_BYTES:
                raise HTTPException(413, "A form field of the request is too large.")
            self._field += data[start:end]

    def on_part_end(self) -> None:
        if self._field_name is None:
            return
        if self._file is not None:
            previous = self.files.pop(self._field_name, None)
            if previous is not None:
                previous.close()
            self.files[self._field_name] = self._file
        elif self._field is not None:
            self.fields[self._field_name] = bytes(self._field)

    def close(self) -> None:
        for upload in self.files.values():
            upload.close()
        if self._file is not None:
            self._file.close()


async def read_graphql_multipart(request: Request, limits: UploadLimits) -> dict[str, Any]:
    """The operations of a GraphQL multipart request, with each file mapped into its variables."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.request_bytes:
        raise HTTPException(413, _too_large(limits))
    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise HTTPException(400, "The multipart request has no boundary.")
    form = _Form(limits)
    try:
        parser = MultipartParser(boundary, form.callbacks())
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limits.request_bytes:
                raise HTTPException(413, _too_large(limits))
            parser.write(chunk)
        parser.finalize()
        operations = _json_field(form.fields, "operations")
        files_map = _files_map(_json_field(form.fields, "map"))
        if not isinstance(operations, dict | list) or files_map is None:
            raise HTTPException(400, "`operations` or `map` is not what the GraphQL multipart spec asks for.")
        try:
            # A batch (a list of operations) is mapped with paths that start with its index.
            result: dict[str, Any] = replace_placeholders_with_files(
                operations,  # type: ignore[arg-type]
                files_map,
                form.files,
            )
        except (KeyError, IndexError, TypeError, ValueError):
            raise HTTPException(400, "The `map` names a file or a variable the request lacks.") from None
    except MultipartParseError:
        form.close()
        raise HTTPException(400, "Unable to parse the multipart body.") from None
    except BaseException:
        form.close()
        raise
    for name, upload in form.files.items():
        if name not in files_map:
            upload.close()
    return result


def _too_large(limits: UploadLimits) -> str:
    return f"The request is larger than the upload limit of {limits.request_bytes} bytes."


def _json_field(fields: Mapping[str, bytes], name: str) -> object:
    raw = fields.get(name)
    if raw is None:
        raise HTTPException(400, f"The multipart request has no `{name}` field.")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise HTTPException(400, f"The `{name}` field is not JSON.") from None


def _files_map(value: object) -> dict[str, list[str]] | None:
    if not isinstance(value, dict):
        return None
    files_map: dict[str, list[str]] = {}
    for name, paths in value.items():
        if not isinstance(paths, list) or not all(isinstance(path, str) for path in paths):
            return None
        files_map[str(name)] = paths
    return files_map
