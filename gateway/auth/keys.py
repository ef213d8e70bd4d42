"""The gateway's token signing key (EC P-256, ES256) and the public JWKS derived from it."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

import orjson
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

ALGORITHM = "ES256"
_CURVE = "P-256"


class SigningKeyError(ValueError):
    """The signing key file exists but does not hold a private P-256 key."""


def load_signing_key(path: Path) -> ECKey:
    """The private key at `path`, created there (mode 0600) on first use.

    Every replica must sign with the same key, or a token issued by one is refused by
    another: point all of them at one file (a shared volume or a mounted secret). The
    first process to start writes it; creation is atomic, so replicas starting together
    agree on one key. The `kid` is the key's RFC 7638 thumbprint, so it names the key
    itself and changes when the key does.
    """
    if not path.exists():
        _create(path)
    return _read(path)


def public_jwks(key: ECKey) -> dict[str, Any]:
    """The JWKS published at /.well-known/jwks.json: the public half only."""
    return {"keys": [dict(key.as_dict(private=False))]}


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    key = ECKey.generate_key(_CURVE, parameters={"alg": ALGORITHM, "use": "sig"})
    key.ensure_kid()
    staging = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(orjson.dumps(dict(key.as_dict(private=True))))
            file.flush()
            os.fsync(file.fileno())
        # link() never replaces an existing file: a replica that lost the race reads the winner's key.
        with contextlib.suppress(FileExistsError):
            os.link(staging, path)
    finally:
        staging.unlink(missing_ok=True)


def _read(path: Path) -> ECKey:
    try:
        key = ECKey.import_key(orjson.loads(path.read_bytes()), parameters={"alg": ALGORITHM, "use": "sig"})
    except (JoseError, ValueError, TypeError) as error:
        raise SigningKeyError(f"{path} does not hold a JSON Web Key") from error
    if key.curve_name != _CURVE or not key.is_private:
        raise SigningKeyError(f"{path} must hold a private {_CURVE} key")
    key.ensure_kid()
    return key
