"""Python generated at run time (the records' row decoders, the gateway's compiled query plans), defined
so that a traceback through it shows its source lines."""

from __future__ import annotations

import linecache
import weakref
from itertools import count
from typing import Any

_numbers = count(1)


def define(source: str, kind: str, namespace: dict[str, Any], entry: str) -> Any:
    """Run `source` in `namespace` and return the function it defines as `entry`. The source is kept in
    linecache under a file name of its own (`<kind N>`) for as long as that function lives: callers keep
    a bounded number of them, so linecache does not grow with the shapes clients choose."""
    filename = f"<{kind} {next(_numbers)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    # The one place generated code runs. Its text is made in this process from the schema and the names of
    # a validated document (GraphQL names, written as literals with repr) or from the records' field
    # specifications.
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102
    defined = namespace[entry]
    weakref.finalize(defined, linecache.cache.pop, filename, None)
    return defined
