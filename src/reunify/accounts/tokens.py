"""Bearer tokens: random, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "rfy_"  # noqa: S105 - a public prefix, not a secret


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    # A fast hash is right here: tokens carry 256 bits of entropy, unlike passwords.
    return hashlib.sha256(token.encode()).hexdigest()
