"""Checking an id_token against the keys its provider publishes (OpenID Connect Core §3.1.3.7).

Providers found by OIDC discovery that advertise a `jwks_uri` (custom providers in providers.toml)
get the full check before anything is stored: a signature by one of the published keys with an
asymmetric algorithm (never `none`, never an HMAC: a public client has no secret to share), `iss`
the provider's issuer, `aud` our client id, and `exp` in the future. Providers without discovery
(the built-in openai-codex, whose Codex CLI client does not verify either) are trusted on the
strength of the TLS connection to their token endpoint, which §3.1.3.7 (6) allows for this flow.

Only the sign-in path imports this module (it loads joserfc and cryptography).
"""

from __future__ import annotations

from typing import Any

from wizard.auth.providers import Provider
from wizard.errors import WizardError
from wizard.i18n import M

ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
                         "EdDSA")
CLOCK_LEEWAY_SECONDS = 120

NOT_A_SIGNED_JWT = M("it is not a well-formed signed JWT")

_key_sets: dict[str, dict[str, Any]] = {}


class IdTokenRejected(WizardError):
    code = "ID_TOKEN_REJECTED"


def check(provider: Provider, id_token: object) -> None:
    """Raise IdTokenRejected unless the provider publishes no keys or `id_token` passes every check."""
    if not provider.discovery:
        return
    from wizard.auth import oauth

    document = oauth.discover(provider)
    jwks_uri = document.get("jwks_uri")
    if not isinstance(jwks_uri, str) or not jwks_uri:
        return
    if not isinstance(id_token, str) or not id_token:
        raise _rejected(provider, M("the token response has no id_token, though the provider publishes signing keys"))
    advertised_issuer = document.get("issuer")
    issuer = advertised_issuer if isinstance(advertised_issuer, str) else provider.issuer
    _verify(provider, id_token, _key_set(provider, jwks_uri), _algorithms(document), issuer)


def _verify(provider: Provider, id_token: str, key_set: dict[str, Any], algorithms: list[str], issuer: str) -> None:
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        # A fetched JWKS, checked here only for its list of keys: joserfc reads the rest (and raises below).
        keys = KeySet.import_key_set(key_set)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise _rejected(provider, M("its published keys (jwks_uri) could not be read")) from None
    try:
        token = jwt.decode(id_token, keys, algorithms=algorithms)
        jwt.JWTClaimsRegistry(leeway=CLOCK_LEEWAY_SECONDS, iss={"essential": True, "value": issuer},
                              aud={"essential": True, "value": provider.client_id},
                              exp={"essential": True}).validate(token.claims)
    except JoseError as exc:
        raise _rejected(provider, _reason(exc)) from None
    except (ValueError, TypeError, KeyError):
        raise _rejected(provider, NOT_A_SIGNED_JWT) from None


def _reason(exc: Exception) -> str:
    from joserfc import errors

    if isinstance(exc, errors.BadSignatureError):
        return M("its signature does not match the provider's published keys")
    if isinstance(exc, errors.InvalidKeyIdError):
        return M("it is signed with a key the provider does not publish")
    if isinstance(exc, errors.UnsupportedAlgorithmError):
        return M("it is not signed with an algorithm the provider publishes keys for")
    if isinstance(exc, errors.ExpiredTokenError):
        return M("it has expired")
    if isinstance(exc, errors.ClaimError):
        claim = getattr(exc, "claim", None)
        return M("its '{claim}' claim is not the expected one", claim=claim) if claim else str(exc)
    return NOT_A_SIGNED_JWT


def _algorithms(document: dict[str, Any]) -> list[str]:
    advertised = document.get("id_token_signing_alg_values_supported")
    if isinstance(advertised, list) and advertised:
        return [alg for alg in ASYMMETRIC_ALGORITHMS if alg in advertised] or ["RS256"]
    return ["RS256"]  # the OIDC default


def _key_set(provider: Provider, jwks_uri: str) -> dict[str, Any]:
    """The provider's JWKS, fetched once per run."""
    from wizard.auth import oauth

    if jwks_uri not in _key_sets:
        what = M("the signing keys of {provider}", provider=provider.id)
        response = oauth.send("GET", jwks_uri, what=what)
        document = oauth.json_body(response)
        if response.status_code != 200 or not isinstance(document, dict) or not isinstance(document.get("keys"), list):
            raise _rejected(provider, M("{what} could not be read (HTTP {status})", what=what,
                                        status=response.status_code))
        _key_sets[jwks_uri] = document
    return _key_sets[jwks_uri]


def _rejected(provider: Provider, reason: str) -> IdTokenRejected:
    return IdTokenRejected(
        M("the id_token from {provider} failed verification: {reason}; nothing was stored", provider=provider.id,
          reason=reason),
        hint=M("check issuer and client_id of {provider} in the providers file; if they are right, the "
               "connection to the provider may be tampered with: try again from another network", provider=provider.id))
