"""Dependencies one can trust: everything the code imports is declared in pyproject.toml (the server's in
`dependencies`, the tests' in the `dev` extra), and the lock files `make` installs from pin every declared
distribution at a version its range allows (run `make lock` after changing one)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
OWN = {"gateway", "regions", "tests", "bench", "examples"}


def _name(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _declared(*requirements: list[str]) -> dict[str, Requirement]:
    parsed = (Requirement(line) for group in requirements for line in group)
    return {_name(requirement.name): requirement for requirement in parsed}


SERVER = _declared(PROJECT["dependencies"])
DEVELOPMENT = _declared(PROJECT["dependencies"], PROJECT["optional-dependencies"]["dev"])


def _imported(folder: str) -> dict[str, Path]:
    """The top-level modules the folder's code imports, each with a file that imports it."""
    found: dict[str, Path] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], path.relative_to(ROOT))
    return found


def _undeclared(folder: str, declared: dict[str, Requirement]) -> list[str]:
    distributions = packages_distributions()
    missing = []
    for module, where in _imported(folder).items():
        if module in sys.stdlib_module_names or module in OWN:
            continue
        providers = {_name(distribution) for distribution in distributions.get(module, [])}
        # A namespace package (opentelemetry) is provided by several distributions: one declared is enough.
        if not providers & declared.keys():
            missing.append(f"{module} (imported by {where}; from {sorted(providers) or 'nothing installed'})")
    return missing


@pytest.mark.parametrize("folder", ["gateway", "regions"])
def test_the_server_imports_only_what_it_declares(folder: str) -> None:
    assert _undeclared(folder, SERVER) == []


def test_the_tests_import_only_what_the_dev_extra_declares() -> None:
    assert _undeclared("tests", DEVELOPMENT) == []


@pytest.mark.parametrize(
    ("lock", "declared"), [("requirements.lock", SERVER), ("requirements-dev.lock", DEVELOPMENT)]
)
def test_the_lock_pins_every_declared_distribution_within_its_range(
    lock: str, declared: dict[str, Requirement]
) -> None:
    text = (ROOT / lock).read_text()
    pinned: dict[str, str] = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", line)
        if match:
            pinned[_name(match[1])] = match[2]
    assert "--hash=sha256:" in text
    stale = [
        f"{name}: {pinned.get(name, 'not pinned')} for {requirement.specifier or 'any version'}"
        for name, requirement in declared.items()
        if name not in pinned or not requirement.specifier.contains(pinned[name], prereleases=True)
    ]
    assert stale == [], f"run `make lock`: {stale}"
