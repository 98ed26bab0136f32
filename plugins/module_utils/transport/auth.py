# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""App-only credentials and tokens for Exchange Online (and later Microsoft Graph).

A client secret or certificate goes through msal's client-credentials flow; a ready
``access_token`` is used as is. Tokens are shared across forks through the token cache.
No secret, token or password ever appears in an exception raised here.
"""

import base64
import hashlib
import json
import os
import re
import threading
import time
import traceback
from datetime import datetime, timezone

try:
    import msal
except ImportError:
    msal = None
    HAS_MSAL = False
    MSAL_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_MSAL = True
    MSAL_IMPORT_ERROR = None

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
except ImportError:
    x509 = serialization = pkcs12 = None
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None

from ansible_collections.mailops.exchange.plugins.module_utils.transport.clouds import is_known_authority
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    AuthError,
    ExchangeError,
    INVALID_ARGUMENT,
    OTHER,
    TRANSIENT,
    UNAUTHORIZED,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import (
    connection_error,
    requests,
    tls_error,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.token_cache import REFRESH_MARGIN, cache_key

# OAuth error codes (RFC 6749 §5.2 and Entra's additions) mapped to error kinds.
_TOKEN_ERROR_KINDS = {
    "invalid_client": UNAUTHORIZED,
    "unauthorized_client": UNAUTHORIZED,
    "invalid_grant": UNAUTHORIZED,
    "invalid_request": INVALID_ARGUMENT,
    "invalid_scope": INVALID_ARGUMENT,
    "invalid_resource": INVALID_ARGUMENT,
    "unsupported_grant_type": INVALID_ARGUMENT,
    "temporarily_unavailable": TRANSIENT,
    "server_error": TRANSIENT,
}

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \1-----", re.DOTALL)


# The environment variables ExoModule reads a credential from (engine/module.py), for messages.
ENVIRONMENT_HELP = ("EXO_ACCESS_TOKEN, or EXO_TENANT_ID and EXO_CLIENT_ID with EXO_CLIENT_SECRET or "
                    "EXO_CLIENT_CERTIFICATE_PATH")
ENVIRONMENT_FALLBACK_HELP = "AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH " \
                            "when no EXO_ variable of the application is set"


class Credentials:
    """What the app authenticates with. ``repr()`` never shows a secret."""

    def __init__(self, tenant_id=None, client_id=None, client_secret=None, certificate_path=None,
                 certificate_password=None, access_token=None):
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.client_secret = client_secret
        self.certificate_path = certificate_path
        self.certificate_password = certificate_password
        self.access_token = access_token

    def __repr__(self):
        return "Credentials(tenant_id=%r, client_id=%r, method=%r)" % (self.tenant_id, self.client_id, self.method)

    @property
    def method(self):
        """``access_token``, ``certificate``, ``secret`` or None."""
        if self.access_token:
            return "access_token"
        if self.certificate_path:
            return "certificate"
        if self.client_secret:
            return "secret"
        return None

    def validate(self):
        """Raise ``ExchangeError`` (invalid_argument) naming the option that is wrong."""
        given = [name for name, value in (
            ("client_secret", self.client_secret),
            ("client_certificate_path", self.certificate_path),
            ("access_token", self.access_token),
        ) if value]
        if len(given) > 1:
            raise ExchangeError(
                "give only one of client_secret, client_certificate_path, access_token (got %s)" % ", ".join(given),
                kind=INVALID_ARGUMENT)
        if not given:
            raise ExchangeError(
                "give one of client_secret, client_certificate_path or access_token, in the task or in the environment "
                "(%s; %s)" % (ENVIRONMENT_HELP, ENVIRONMENT_FALLBACK_HELP), kind=INVALID_ARGUMENT)
        if self.access_token:
            return
        option = given[0]
        for name, value in (("tenant_id", self.tenant_id), ("client_id", self.client_id)):
            if not value:
                raise ExchangeError("%s is required with %s (or the environment variable EXO_%s, or AZURE_%s when no "
                                    "EXO_ variable of the application is set)" % (name, option, name.upper(), name.upper()),
                                    kind=INVALID_ARGUMENT)
        if self.certificate_path:
            if not os.path.isfile(self.certificate_path):
                raise ExchangeError(
                    "client_certificate_path %r is not a file" % (self.certificate_path,), kind=INVALID_ARGUMENT)
            if not os.access(self.certificate_path, os.R_OK):
                raise ExchangeError(
                    "client_certificate_path %r is not readable" % (self.certificate_path,), kind=INVALID_ARGUMENT)

    def fingerprint(self):
        """A one-way digest of the credential, for the token cache key (never stored alone)."""
        digest = hashlib.sha256()
        if self.certificate_path:
            digest.update(b"certificate\0")
            with open(self.certificate_path, "rb") as handle:
                digest.update(handle.read())
            digest.update(b"\0" + (self.certificate_password or "").encode("utf-8"))
        else:
            digest.update(b"secret\0" + (self.client_secret or "").encode("utf-8"))
        return digest.hexdigest()


def _certificate_error(path, reason):
    return AuthError("client_certificate_path %r: %s" % (path, reason), kind=INVALID_ARGUMENT)


def _pem_from_pkcs12(path, data, password):
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        raise _certificate_error(path, (
            "could not open the PKCS#12 file; the client_certificate_password is wrong or missing, "
            "or the file is not PKCS#12")) from None
    if key is None or cert is None:
        raise _certificate_error(path, "the PKCS#12 file must hold the private key and its certificate")
    return key, cert


def _pem_from_pem(path, data, password):
    blocks = {}
    for match in _PEM_BLOCK.finditer(data):
        label = match.group(1).decode("ascii")
        kind = "key" if label.endswith("PRIVATE KEY") else "cert" if label == "CERTIFICATE" else None
        if kind and kind not in blocks:
            blocks[kind] = match.group(0)
    if "key" not in blocks or "cert" not in blocks:
        raise _certificate_error(path, "the PEM file must hold both the private key and the certificate")
    try:
        key = serialization.load_pem_private_key(blocks["key"], password)
    except TypeError:
        if password is None:
            raise _certificate_error(path, "the private key is encrypted; give client_certificate_password") from None
        # A password given for an unencrypted key is harmless: use the key as is.
        key = serialization.load_pem_private_key(blocks["key"], None)
    except ValueError:
        raise _certificate_error(
            path, "could not decrypt the private key; the client_certificate_password is wrong") from None
    try:
        cert = x509.load_pem_x509_certificate(blocks["cert"])
    except ValueError:
        raise _certificate_error(path, "the certificate is not valid PEM") from None
    return key, cert


def load_certificate(path, password=None):
    """Read a PEM (key + certificate) or PFX/P12 file into msal's client credential dict.

    Returns ``{"private_key": <unencrypted PKCS#8 PEM>, "public_certificate": <PEM>}``; the
    decrypted key only lives in memory. PFX is recognised by the ``.pfx``/``.p12``
    extension or by content without PEM armour. Errors name ``client_certificate_path`` or
    ``client_certificate_password`` and never contain the password.
    """
    if not HAS_CRYPTOGRAPHY:
        raise AuthError("the cryptography Python library is required for client_certificate_path", kind=OTHER)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise _certificate_error(path, exc.strerror or "cannot be read") from None
    password_bytes = password.encode("utf-8") if password else None
    is_pfx = path.lower().endswith((".pfx", ".p12")) or b"-----BEGIN" not in data
    key, cert = (_pem_from_pkcs12 if is_pfx else _pem_from_pem)(path, data, password_bytes)

    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.PEM, spki) != cert.public_key().public_bytes(
            serialization.Encoding.PEM, spki):
        raise _certificate_error(path, "the private key does not belong to the certificate")
    return {
        "private_key": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption(),
        ).decode("ascii"),
        "public_certificate": cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    }


def token_claims_unverified(token):
    """The payload of a JWT, decoded without checking its signature; {} if not a JWT.

    For explaining a refused token (audience, expiry, roles) and for knowing when to ask for a
    new one; never for deciding what a token allows.
    """
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (AttributeError, IndexError, ValueError, TypeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def describe_token(token, expected_audience, required_role=None, now=None):
    """Sentences explaining why ``token`` may be refused by ``expected_audience``.

    Looks at the unverified ``aud``, ``exp`` and ``roles`` claims; returns "" when nothing
    looks wrong or the token is not a readable JWT. Never includes the token.
    """
    claims = token_claims_unverified(token)
    problems = []
    audience = claims.get("aud")
    if audience and audience.rstrip("/") != expected_audience.rstrip("/"):
        problems.append("the token's audience is %s, expected %s" % (audience, expected_audience))
    expires = claims.get("exp")
    if isinstance(expires, (int, float)) and expires <= (time.time() if now is None else now):
        when = datetime.fromtimestamp(expires, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        problems.append("the token expired at %s" % when)
    if claims and required_role and required_role not in (claims.get("roles") or []):
        problems.append("the token carries no %s role" % required_role)
    return "; ".join(problems)


def token_error(resource_url, result):
    """The ``AuthError`` for an msal error result (``error``, ``error_description``)."""
    code = result.get("error") or "error"
    description = (result.get("error_description") or "").strip().splitlines()
    message = "Could not get a token for %s: %s" % (resource_url, code)
    if description:
        message += ": " + description[0].strip()
    return AuthError(message, kind=_TOKEN_ERROR_KINDS.get(code, OTHER), exception_type=code)


class TokenProvider:
    """Access tokens for resources (``https://outlook.office365.com``, Graph, ...).

    ``token(resource_url)`` returns a cached or new token for scope
    ``resource_url + "/.default"``; ``invalidate(resource_url)`` drops it after a 401.
    """

    def __init__(self, credentials, authority_host, session, cache):
        self.credentials = credentials
        self.authority = "%s/%s" % (authority_host.rstrip("/"), credentials.tenant_id)
        self._authority_host = authority_host
        self._session = session
        self._cache = cache
        self._app = None
        self._fingerprint = None
        self._issued = {}
        # Bulk modules call token() from several threads for every request: one thread asks
        # the shared cache (a locked file) at a time, and a token in hand is reused in-process
        # until it nears its expiry instead of re-reading the file each time.
        self._lock = threading.Lock()
        self._expires = {}

    def _key(self, resource_url):
        if self._fingerprint is None:
            self._fingerprint = self.credentials.fingerprint()
        return cache_key(self.authority, self.credentials.tenant_id, self.credentials.client_id, resource_url,
                         self._fingerprint)

    def token(self, resource_url):
        """Return an access token for ``resource_url`` (raises ``AuthError``/``TransportError``)."""
        if self.credentials.access_token:
            return self.credentials.access_token
        with self._lock:
            token = self._issued.get(resource_url)
            if token and self._expires.get(resource_url, 0) - REFRESH_MARGIN > time.time():
                return token
            token = self._cache.get_or_acquire(self._key(resource_url), lambda: self._acquire(resource_url))
            self._issued[resource_url] = token
            # Unknown lifetimes (not a JWT) are trusted for a minute past the refresh margin.
            expires = token_claims_unverified(token).get("exp")
            self._expires[resource_url] = expires if isinstance(expires, (int, float)) else \
                time.time() + REFRESH_MARGIN + 60
            return token

    @property
    def renewable(self):
        """False for a given ``access_token``: nothing can replace it after a 401."""
        return not self.credentials.access_token

    def invalidate(self, resource_url):
        """Forget the token for ``resource_url`` so the next ``token()`` asks afresh.

        Also drops it from the shared cache (if it is still the cached one), so other forks
        do not keep using a token the service refused. No-op for a given ``access_token``.
        """
        with self._lock:
            token = self._issued.pop(resource_url, None)
            self._expires.pop(resource_url, None)
        if token:
            self._cache.invalidate(self._key(resource_url), token)
        if self._app is not None:
            self._app.remove_tokens_for_client()

    def _application(self):
        if self._app is None:
            if self.credentials.certificate_path:
                credential = load_certificate(self.credentials.certificate_path, self.credentials.certificate_password)
            else:
                credential = self.credentials.client_secret
            kwargs = {}
            if not is_known_authority(self._authority_host):
                kwargs["instance_discovery"] = False
            # msal's own cache only serves this process; the file cache spans forks.
            self._app = msal.ConfidentialClientApplication(
                self.credentials.client_id,
                client_credential=credential,
                authority=self.authority,
                http_client=self._session,
                token_cache=msal.TokenCache(),
                **kwargs
            )
        return self._app

    def _acquire(self, resource_url):
        if not HAS_MSAL:
            raise AuthError("the msal Python library is required for client_secret and client_certificate_path",
                            kind=OTHER)
        try:
            result = self._application().acquire_token_for_client(scopes=[resource_url + "/.default"])
        except requests.exceptions.SSLError as exc:
            raise tls_error(self.authority, exc) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise connection_error(self.authority, exc, retried=True) from None
        except msal.exceptions.MsalServiceError:
            raise AuthError("The authority %s answered with a server error" % self.authority, kind=TRANSIENT) from None
        except ValueError as exc:
            # msal raises ValueError when the tenant's OpenID configuration cannot be read.
            raise AuthError(
                "Could not use the authority %s (check tenant_id, cloud and authority_host): %s"
                % (self.authority, str(exc).splitlines()[0][:300]), kind=INVALID_ARGUMENT) from None
        if "access_token" not in result:
            raise token_error(resource_url, result)
        return result["access_token"], time.time() + float(result.get("expires_in") or 3600)
