"""PKCE (RFC 7636, S256 only) and the `state` value of an authorization request."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

# RFC 7636 §4.1: 43-128 characters from the unreserved set; 64 letters and digits is well inside.
VERIFIER_LENGTH = 64


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str
    method: str = "S256"

    def __repr__(self) -> str:  # never print the verifier
        return f"Pkce(challenge={self.challenge!r}, method={self.method!r})"


def new_pkce() -> Pkce:
    from authlib.common.security import generate_token
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    verifier = generate_token(VERIFIER_LENGTH)
    return Pkce(verifier, create_s256_code_challenge(verifier))


def new_state() -> str:
    return secrets.token_urlsafe(32)
