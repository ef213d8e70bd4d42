"""The repository stands alone: no doc, test, comment or document points at files outside it (a contract
folder beside the checkout, the public pages the rules come from by file number) or at issue numbers a
reader cannot follow; they say in words what they refer to, or link docs/ of this repository."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [
    "gateway",
    "regions",
    "tests",
    "bench",
    "examples",
    "frontend/src",
    "frontend/e2e",
    "frontend/build",
    "docs",
]
FILES = ["README.md", "Makefile", "pyproject.toml", "frontend/README.md"]
OUTSIDE = re.compile(
    r"\.\./shared|shared/(contract|seeds)|DEMO_DATA\.md|\bHTTP\.md|\b[Ii]ssue \d+|\b[Ss]eeds? 00\d|\bseeds 00\d"
)


def _tracked() -> list[Path]:
    # git from PATH, as every developer runs it
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *FOLDERS, *FILES],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / name for name in listed if (ROOT / name).suffix not in {".png", ".gz", ".pdf", ".gif"}]


def test_nothing_points_outside_the_repository() -> None:
    found = []
    for path in _tracked():
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)
