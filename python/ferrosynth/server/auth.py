"""Bearer-key authentication: 401 (never 403) with the contract's bodies, in constant time."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request

__all__ = ["check_bearer"]

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def check_bearer(request: Request) -> None:
    """Raise 401 unless the request carries ``Authorization: Bearer <the server's key>``."""
    expected: bytes | None = request.app.state.api_key_bytes
    if expected is None:  # an open server (no key configured): every request passes
        return
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(status_code=401, detail="Not authenticated", headers=_CHALLENGE)
    if not hmac.compare_digest(token.strip().encode(), expected):
        raise HTTPException(
            status_code=401, detail="Invalid authentication credentials", headers=_CHALLENGE
        )
