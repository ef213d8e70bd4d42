"""What may be attached to a message (the Online Provider Messaging guide): PDF and GIF files only, recognised
from their bytes and named with the matching extension, never empty, at most 20 MiB each and ten to a
message."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.errors import Problem, UserErrorCode
from gateway.uploads import MAX_FILE_BYTES, MAX_FILES, UploadedFile
from regions.base.records import NewAttachment

# The first bytes of each allowed type, and the file name endings that go with it.
_SIGNATURES = ((b"%PDF-", "application/pdf"), (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))
_EXTENSIONS = {"application/pdf": ".pdf", "image/gif": ".gif"}
# The `attachments.filename` column.
_MAX_FILENAME = 255


def detected_type(head: bytes) -> str | None:
    """The content type the first bytes of a file show, if it is one we take."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def checked_attachments(
    values: Sequence[object] | None, field: tuple[str, ...]
) -> tuple[list[NewAttachment], list[Problem]]:
    """The files ready to store, or a problem for each one that may not be stored (its index in `field`)."""
    if not values:
        return [], []
    if len(values) > MAX_FILES:
        return [], [Problem(UserErrorCode.INVALID, f"Attach at most {MAX_FILES} files to a message.", field)]
    files: list[NewAttachment] = []
    problems: list[Problem] = []
    for index, value in enumerate(values):
        at = (*field, str(index))
        if not isinstance(value, UploadedFile):
            problems.append(
                Problem(UserErrorCode.INVALID, "Send attachments as files of a multipart request.", at)
            )
            continue
        problem = _problem(value, index, at)
        if problem is not None:
            problems.append(problem)
            continue
        files.append(
            NewAttachment(
                filename=value.filename,
                content_type=detected_type(value.head) or "",
                size_bytes=value.size,
                sha256=value.sha256,
                read_content=value.read,
            )
        )
    return files, problems


def _problem(upload: UploadedFile, index: int, at: tuple[str, ...]) -> Problem | None:
    name = f"Attachment {index + 1}"
    if upload.discarded:
        return Problem(UserErrorCode.INVALID, f"{name}: send at most {MAX_FILES} files in one request.", at)
    if upload.too_large:
        return Problem(
            UserErrorCode.ATTACHMENT_TOO_LARGE,
            f"{name} is larger than the 20 MB limit ({MAX_FILE_BYTES} bytes).",
            at,
        )
    if upload.size == 0:
        return Problem(UserErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED, f"{name} is empty.", at)
    content_type = detected_type(upload.head)
    if content_type is None:
        return Problem(
            UserErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
            f"{name} is not a PDF or GIF file: only those are taken.",
            at,
        )
    extension = _EXTENSIONS[content_type]
    if not upload.filename.lower().endswith(extension):
        return Problem(
            UserErrorCode.ATTACHMENT_TYPE_NOT_ALLOWED,
            f"{name} holds a {extension[1:].upper()} file, so its name must end in {extension}.",
            at,
        )
    if len(upload.filename) > _MAX_FILENAME:
        return Problem(
            UserErrorCode.INVALID, f"{name} has a name longer than {_MAX_FILENAME} characters.", at
        )
    return None
