import base64
import datetime
import json
import os
from pathlib import Path

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ansible_collections.mailops.exchange.plugins.module_utils.transport.auth import (
    Credentials,
    TokenProvider,
    describe_token,
    load_certificate,
    token_claims_unverified,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import AuthError, ExchangeError, TransportError
from ansible_collections.mailops.exchange.plugins.module_utils.transport.token_cache import MemoryTokenCache, TokenCache

CAPTURES = Path(__file__).resolve().parents[4] / ".." / "shared" / "captures"
SECRET = "Zx8Q~super-secret-value-0123456789"
PASSWORD = "pfx-password-do-not-print"
TENANT = "00000000-aaaa-4bbb-8ccc-000000000001"
CLIENT = "11111111-2222-4333-8444-555555555555"
AUTHORITY = "https://127.0.0.1:8443"
EXCHANGE = "https://outlook.office365.com"


def make_jwt(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return "%s.%s.signature" % (part({"alg": "RS256", "typ": "JWT"}), part(claims))


@pytest.fixture(scope="module")
def key_and_cert():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mailops test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    return key, cert


def pem_file(path, key, cert, password=None):
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    path.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    return str(path)


def pfx_file(path, key, cert, password):
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"mailops", key, cert, None, serialization.BestAvailableEncryption(password.encode())))
    return str(path)


def assert_no_secret(error):
    for text in (str(error), repr(error), error.message):
        for secret in (SECRET, PASSWORD):
            assert secret not in text


# Credentials ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, words", [
    ({}, ["client_secret", "client_certificate_path", "access_token", "EXO_CLIENT_SECRET",
          "EXO_CLIENT_CERTIFICATE_PATH", "EXO_ACCESS_TOKEN", "AZURE_CLIENT_SECRET"]),
    ({"client_secret": SECRET, "access_token": "t"}, ["give only one of client_secret, client_certificate_path, access_token"]),
    ({"client_secret": SECRET, "client_certificate_path": "/x"}, ["give only one of"]),
    ({"client_secret": SECRET, "client_id": CLIENT}, ["tenant_id is required with client_secret", "EXO_TENANT_ID", "AZURE_TENANT_ID"]),
    ({"client_secret": SECRET, "tenant_id": TENANT}, ["client_id is required with client_secret"]),
    ({"client_certificate_path": "/nonexistent.pem", "tenant_id": TENANT, "client_id": CLIENT},
     ["client_certificate_path", "/nonexistent.pem", "not a file"]),
])
def test_validate_names_the_option(kwargs, words):
    if "client_certificate_path" in kwargs:
        kwargs["certificate_path"] = kwargs.pop("client_certificate_path")
    with pytest.raises(ExchangeError) as info:
        Credentials(**kwargs).validate()
    assert info.value.kind == "invalid_argument"
    for word in words:
        assert word in str(info.value)
    assert_no_secret(info.value)


def test_validate_accepts_good_combinations(tmp_path):
    Credentials(access_token="t").validate()
    Credentials(TENANT, CLIENT, client_secret=SECRET).validate()
    cert = tmp_path / "c.pem"
    cert.write_text("x")
    Credentials(TENANT, CLIENT, certificate_path=str(cert)).validate()
    # An environment-provided certificate password beside a secret is ignored, not an error.
    Credentials(TENANT, CLIENT, client_secret=SECRET, certificate_password=PASSWORD).validate()


def test_credentials_repr_and_fingerprint_hide_secrets():
    credentials = Credentials(TENANT, CLIENT, client_secret=SECRET)
    assert SECRET not in repr(credentials)
    assert SECRET not in credentials.fingerprint()
    assert credentials.fingerprint() != Credentials(TENANT, CLIENT, client_secret=SECRET + "x").fingerprint()


# Certificates -----------------------------------------------------------------------------------

def test_load_pem_plain_and_encrypted(tmp_path, key_and_cert):
    key, cert = key_and_cert
    expected_cert = cert.public_bytes(serialization.Encoding.PEM).decode()
    plain = load_certificate(pem_file(tmp_path / "plain.pem", key, cert))
    assert plain["public_certificate"] == expected_cert
    assert plain["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    encrypted = load_certificate(pem_file(tmp_path / "enc.pem", key, cert, PASSWORD), PASSWORD)
    assert encrypted == plain
    # A password for an unencrypted key is harmless.
    assert load_certificate(str(tmp_path / "plain.pem"), PASSWORD) == plain


def test_load_pfx_by_extension_and_by_content(tmp_path, key_and_cert):
    key, cert = key_and_cert
    plain = load_certificate(pem_file(tmp_path / "plain.pem", key, cert))
    assert load_certificate(pfx_file(tmp_path / "app.pfx", key, cert, PASSWORD), PASSWORD) == plain
    assert load_certificate(pfx_file(tmp_path / "app.bin", key, cert, PASSWORD), PASSWORD) == plain


@pytest.mark.parametrize("password", ["wrong-password", None])
def test_wrong_pfx_password_names_option_without_password(tmp_path, key_and_cert, password):
    key, cert = key_and_cert
    path = pfx_file(tmp_path / "app.p12", key, cert, PASSWORD)
    with pytest.raises(AuthError) as info:
        load_certificate(path, password)
    assert "client_certificate_password" in str(info.value) and path in str(info.value)
    assert info.value.kind == "invalid_argument"
    assert_no_secret(info.value)
    assert "wrong-password" not in str(info.value)


def test_pem_problems(tmp_path, key_and_cert):
    key, cert = key_and_cert
    encrypted = pem_file(tmp_path / "enc.pem", key, cert, PASSWORD)
    with pytest.raises(AuthError, match="encrypted; give client_certificate_password"):
        load_certificate(encrypted)
    with pytest.raises(AuthError, match="client_certificate_password is wrong") as info:
        load_certificate(encrypted, "nope-" + PASSWORD[:3])
    assert_no_secret(info.value)
    only_cert = tmp_path / "cert.pem"
    only_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + b"\n")
    with pytest.raises(AuthError, match="both the private key and the certificate"):
        load_certificate(str(only_cert))
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(AuthError, match="does not belong"):
        load_certificate(pem_file(tmp_path / "mismatch.pem", other_key, cert))
    with pytest.raises(AuthError, match="client_certificate_path"):
        load_certificate(str(tmp_path / "missing.pem"))


# Claims -----------------------------------------------------------------------------------------

def test_token_claims_and_descriptions():
    claims = json.loads((CAPTURES / "exo_app_token_claims.json").read_text())
    token = make_jwt(claims)
    assert token_claims_unverified(token) == claims
    assert token_claims_unverified("not a jwt") == {}
    assert token_claims_unverified("a.%%%.c") == {}
    assert describe_token(token, EXCHANGE, "Exchange.ManageAsApp", now=claims["exp"] - 10) == ""
    expired = describe_token(token, EXCHANGE, "Exchange.ManageAsApp", now=claims["exp"] + 10)
    assert expired == "the token expired at 2024-05-22 17:09:36 UTC"
    graph = dict(claims, aud="https://graph.microsoft.com", roles=["User.Read.All"])
    described = describe_token(make_jwt(graph), EXCHANGE, "Exchange.ManageAsApp", now=claims["exp"] - 10)
    assert "audience is https://graph.microsoft.com, expected https://outlook.office365.com" in described
    assert "no Exchange.ManageAsApp role" in described
    assert token not in described
    assert describe_token("opaque", EXCHANGE, "Exchange.ManageAsApp") == ""


# TokenProvider ----------------------------------------------------------------------------------

class FakeResponse:
    def __init__(self, status, body):
        self.status_code = status
        self.text = json.dumps(body)
        self.headers = {"Content-Type": "application/json"}


class FakeIdentityHttp:
    """Plays Entra's part for real msal: the OpenID document and the token endpoint."""

    def __init__(self, token_answers):
        self.token_answers = list(token_answers)
        self.gets = []
        self.posts = []

    def get(self, url, params=None, headers=None, **kwargs):
        self.gets.append(url)
        document = json.loads((CAPTURES / "entra_openid_configuration_v2.json").read_text())
        document = {k: v.replace("https://login.microsoftonline.com", AUTHORITY) if isinstance(v, str) else v
                    for k, v in document.items()}
        return FakeResponse(200, document)

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        self.posts.append({"url": url, "data": data})
        answer = self.token_answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return FakeResponse(*answer)

    def close(self):
        pass


def ok(token="access-1"):
    return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": token}


def provider(http, cache=None, **credentials):
    credentials = Credentials(TENANT, CLIENT, **credentials)
    credentials.validate()
    return TokenProvider(credentials, AUTHORITY, http, cache or MemoryTokenCache())


def test_access_token_is_used_as_is():
    tokens = TokenProvider(Credentials(access_token="given"), "https://login.microsoftonline.com", None,
                           MemoryTokenCache())
    assert tokens.token(EXCHANGE) == "given"
    assert not tokens.renewable
    tokens.invalidate(EXCHANGE)
    assert tokens.token(EXCHANGE) == "given"


def test_secret_flow_through_real_msal_and_file_cache(tmp_path):
    http = FakeIdentityHttp([ok("access-1"), ok("access-2")])
    cache = TokenCache(str(tmp_path))
    tokens = provider(http, cache, client_secret=SECRET)
    assert tokens.renewable
    assert tokens.token(EXCHANGE) == "access-1"
    assert tokens.token(EXCHANGE) == "access-1"
    assert http.gets == ["%s/%s/v2.0/.well-known/openid-configuration" % (AUTHORITY, TENANT)]
    assert len(http.posts) == 1
    sent = http.posts[0]["data"]
    assert sent["client_secret"] == SECRET and sent["grant_type"] == "client_credentials"
    assert sent["scope"] == EXCHANGE + "/.default" and sent["client_id"] == CLIENT
    for path in tmp_path.iterdir():
        assert SECRET not in path.read_text()

    # Another task (new provider, same credential) is served from the file without a request.
    assert provider(FakeIdentityHttp([]), cache, client_secret=SECRET).token(EXCHANGE) == "access-1"

    tokens.invalidate(EXCHANGE)
    assert tokens.token(EXCHANGE) == "access-2"
    assert len(http.posts) == 2


def test_certificate_flow_sends_an_assertion(tmp_path, key_and_cert):
    key, cert = key_and_cert
    http = FakeIdentityHttp([ok()])
    tokens = provider(http, certificate_path=pfx_file(tmp_path / "a.pfx", key, cert, PASSWORD),
                      certificate_password=PASSWORD)
    assert tokens.token(EXCHANGE) == "access-1"
    sent = http.posts[0]["data"]
    assert "client_secret" not in sent
    header = jwt.get_unverified_header(sent["client_assertion"])
    assert header["alg"] == "PS256" and "x5t#S256" in header
    claims = jwt.decode(sent["client_assertion"], cert.public_key(), algorithms=["PS256"],
                        audience="%s/%s/oauth2/v2.0/token" % (AUTHORITY, TENANT))
    assert claims["iss"] == CLIENT


def test_wrong_secret_gives_clear_error_without_secret():
    body = json.loads((CAPTURES / "entra_token_aadsts7000215.json").read_text())
    tokens = provider(FakeIdentityHttp([(401, body)]), client_secret=SECRET)
    with pytest.raises(AuthError) as info:
        tokens.token(EXCHANGE)
    error = info.value
    assert error.kind == "unauthorized" and error.exception_type == "invalid_client"
    assert str(error).startswith("Could not get a token for https://outlook.office365.com: "
                                 "invalid_client: AADSTS7000215: Invalid client secret provided.")
    assert "Trace ID" not in str(error)
    assert_no_secret(error)


@pytest.mark.parametrize("code, kind", [("invalid_request", "invalid_argument"), ("temporarily_unavailable", "transient"),
                                        ("unauthorized_client", "unauthorized"), ("something_new", "other")])
def test_token_error_kinds(code, kind):
    tokens = provider(FakeIdentityHttp([(400, {"error": code, "error_description": "AADSTS1: words\r\nTrace"})]),
                      client_secret=SECRET)
    with pytest.raises(AuthError) as info:
        tokens.token(EXCHANGE)
    assert info.value.kind == kind


def test_transport_failures_at_the_authority():
    tokens = provider(FakeIdentityHttp([requests.exceptions.ConnectionError("Connection refused")]),
                      client_secret=SECRET)
    with pytest.raises(TransportError) as info:
        tokens.token(EXCHANGE)
    assert info.value.kind == "transient" and AUTHORITY in str(info.value)
    assert_no_secret(info.value)

    tokens = provider(FakeIdentityHttp([requests.exceptions.SSLError("certificate verify failed: self-signed")]),
                      client_secret=SECRET)
    with pytest.raises(TransportError, match="ca_path"):
        tokens.token(EXCHANGE)


def test_unknown_tenant_is_an_argument_error():
    class NoTenant(FakeIdentityHttp):
        def get(self, url, **kwargs):
            return FakeResponse(400, {"error": "invalid_tenant", "error_description": "AADSTS90002: Tenant not found"})

    tokens = provider(NoTenant([]), client_secret=SECRET)
    with pytest.raises(AuthError) as info:
        tokens.token(EXCHANGE)
    assert info.value.kind == "invalid_argument" and "tenant_id" in str(info.value)
    assert_no_secret(info.value)


def test_known_authority_keeps_instance_discovery(monkeypatch):
    seen = {}

    class FakeApp:
        def __init__(self, client_id, **kwargs):
            seen.update(kwargs, client_id=client_id)

        def acquire_token_for_client(self, scopes):
            seen["scopes"] = scopes
            return {"access_token": "t", "expires_in": 3600}

    from ansible_collections.mailops.exchange.plugins.module_utils.transport import auth
    monkeypatch.setattr(auth.msal, "ConfidentialClientApplication", FakeApp)
    session = object()
    credentials = Credentials(TENANT, CLIENT, client_secret=SECRET)
    assert TokenProvider(credentials, "https://login.microsoftonline.com", session, MemoryTokenCache()).token(
        "https://outlook.office365.com") == "t"
    assert "instance_discovery" not in seen and seen["http_client"] is session
    assert seen["authority"] == "https://login.microsoftonline.com/" + TENANT
    assert seen["scopes"] == ["https://outlook.office365.com/.default"]
    TokenProvider(credentials, AUTHORITY, session, MemoryTokenCache()).token(EXCHANGE)
    assert seen["instance_discovery"] is False


def test_no_secret_in_files_written_by_the_cache(tmp_path):
    http = FakeIdentityHttp([ok()])
    provider(http, TokenCache(str(tmp_path)), client_secret=SECRET).token(EXCHANGE)
    for name in os.listdir(tmp_path):
        data = (tmp_path / name).read_bytes()
        assert SECRET.encode() not in data
