"""The account's email from the OIDC UserInfo endpoint, when the id_token does not carry it.

OIDC Core §5.4: claims asked for by scope (`email`) are returned by UserInfo; a provider puts
them in the id_token only when it issues no access token. So the code flow against a
conforming provider (oidc-provider, for one) yields an id_token with `sub` alone, and the
status and success page would name no account. Best effort, after the tokens are stored:
any failure leaves the stored record as it is.
"""

from __future__ import annotations

from wizard.auth import jwt, oauth, store
from wizard.auth.providers import Provider
from wizard.errors import WizardError
from wizard.i18n import M

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from wizard.auth.store import Record

USERINFO_TIMEOUT = 10.0


def with_email(provider: Provider, record: Record) -> Record:
    """`record`, with the email UserInfo gives for the same `sub` added and stored; else unchanged."""
    email = _userinfo_email(provider, record)
    if not email:
        return record
    from wizard.auth.refresh import credential_lock

    updated = {**record, "email": email}
    with credential_lock(provider.id):
        try:
            current = store.load(provider.id)
        except store.CredentialError:
            return record
        if current is None or current.get("access_token") != record["access_token"]:
            return record  # a newer sign-in or a refresh got there first: leave its record alone
        store.save(updated)
    return updated


def _userinfo_email(provider: Provider, record: Record) -> str:
    if not provider.discovery or record.get("email") or not record.get("id_token"):
        return ""
    try:
        subject = jwt.decode_claims(record["id_token"]).get("sub")
        url = oauth.discover(provider).get("userinfo_endpoint")
        if not isinstance(subject, str) or not subject or not isinstance(url, str) or not url:
            return ""
        response = oauth.send("GET", url, what=M("the userinfo endpoint"),
                              timeout=min(USERINFO_TIMEOUT, oauth.http_timeout()),
                              headers={"Authorization": f"Bearer {record['access_token']}"})
    except (WizardError, jwt.NotAJwt):
        return ""
    claims = oauth.json_body(response)
    # §5.3.2: the UserInfo `sub` must equal the id_token's, or the answer is about someone else.
    if response.status_code != 200 or not isinstance(claims, dict) or claims.get("sub") != subject:
        return ""
    email = claims.get("email")
    return email if isinstance(email, str) and email else ""
