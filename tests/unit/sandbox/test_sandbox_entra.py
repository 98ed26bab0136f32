"""The token endpoint's checks, driven directly (no HTTP)."""

import time
import uuid

import jwt
import pytest

from sandbox import certs, entra
from sandbox.model import Organization

BASE = "https://127.0.0.1:4443"


@pytest.fixture(scope="module")
def keys():
    return certs.make_signing_key(), certs.make_app_certificate(), certs.make_app_certificate()


@pytest.fixture
def directory(keys):
    signing_key, app_cert, unused = keys
    org = Organization("contoso", users=1, shared=0)
    directory = entra.Directory(org, BASE, signing_key)
    directory.register(entra.AppRegistration(
        client_id=str(uuid.uuid4()), display_name="main", object_id=str(uuid.uuid4()),
        secrets=["s3cret"], certificates=[app_cert], exchange_roles=[entra.MANAGE_AS_APP],
        directory_roles=[entra.EXCHANGE_ADMINISTRATOR]))
    directory.register(entra.AppRegistration(
        client_id=str(uuid.uuid4()), display_name="norole", object_id=str(uuid.uuid4()),
        secrets=["other"]))
    return directory


def app(directory, name):
    return next(a for a in directory.apps.values() if a.display_name == name)


def form(client_id, **extra):
    return {"grant_type": "client_credentials", "client_id": client_id,
            "scope": f"{BASE}/.default", "client_info": "1", **extra}


def assertion(certificate, client_id, audience, alg="PS256", lifetime=600, sha256=True,
              key=None):
    now = int(time.time())
    header = ({"x5t#S256": certificate.thumbprint_sha256} if sha256
              else {"x5t": certificate.thumbprint_sha1})
    claims = {"aud": audience, "iss": client_id, "sub": client_id, "jti": str(uuid.uuid4()),
              "nbf": now, "exp": now + lifetime}
    return jwt.encode(claims, key or certificate.private_key, algorithm=alg, headers=header)


def with_assertion(client_id, token):
    return form(client_id, client_assertion_type=entra.CLIENT_ASSERTION_TYPE,
                client_assertion=token)


def test_secret_gives_exchange_token_with_role(directory):
    main = app(directory, "main")
    answer = directory.issue(directory.tenant_id, form(main.client_id, client_secret="s3cret"))
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3599
    claims = directory.verify(answer["access_token"], BASE)
    assert claims["roles"] == [entra.MANAGE_AS_APP]
    assert claims["appid"] == main.client_id
    assert claims["iss"] == f"https://sts.windows.net/{directory.tenant_id}/"
    assert claims["wids"] == [entra.EXCHANGE_ADMINISTRATOR]
    assert claims["exp"] - claims["iat"] == 3599


def test_norole_app_gets_token_without_roles(directory):
    norole = app(directory, "norole")
    answer = directory.issue("contoso.onmicrosoft.com", form(norole.client_id,
                                                             client_secret="other"))
    assert "roles" not in directory.verify(answer["access_token"], BASE)


@pytest.mark.parametrize("alg,sha256", [("PS256", True), ("RS256", False)])
def test_certificate_assertion_is_verified(directory, keys, alg, sha256):
    main = app(directory, "main")
    token = assertion(keys[1], main.client_id, directory.token_endpoint(), alg, sha256=sha256)
    answer = directory.issue(directory.tenant_id, with_assertion(main.client_id, token))
    assert directory.verify(answer["access_token"], BASE)["appidacr"] == "2"


@pytest.mark.parametrize("case,code", [
    ("wrong_key", 700027), ("unregistered_cert", 700027), ("wrong_audience", 700027),
    ("expired", 700024), ("wrong_issuer", 700021), ("garbage", 700027),
])
def test_bad_assertions_are_refused(directory, keys, case, code):
    main = app(directory, "main")
    unused, cert, other = keys
    audience = directory.token_endpoint()
    token = {
        "wrong_key": lambda: assertion(cert, main.client_id, audience, key=other.private_key),
        "unregistered_cert": lambda: assertion(other, main.client_id, audience),
        "wrong_audience": lambda: assertion(cert, main.client_id, "https://elsewhere/token"),
        "expired": lambda: assertion(cert, main.client_id, audience, lifetime=-60),
        "wrong_issuer": lambda: assertion(cert, str(uuid.uuid4()), audience),
        "garbage": lambda: "not.a.jwt",
    }[case]()
    with pytest.raises(entra.TokenError) as caught:
        directory.issue(directory.tenant_id, with_assertion(main.client_id, token))
    assert (caught.value.status, caught.value.error, caught.value.code) == \
        (401, "invalid_client", code)


@pytest.mark.parametrize("change,status,error,code", [
    ({"client_secret": "wrong"}, 401, "invalid_client", 7000215),
    ({"client_id": str(uuid.UUID(int=7))}, 400, "unauthorized_client", 700016),
    ({"scope": "https://outlook.office365.com/.default"}, 400, "invalid_scope", 500011),
    ({"scope": f"{BASE}/Exchange.ManageAsApp"}, 400, "invalid_scope", 1002012),
    ({"grant_type": "password"}, 400, "unsupported_grant_type", 70003),
    ({"client_secret": None}, 401, "invalid_client", 7000218),
])
def test_token_errors_use_entra_codes(directory, change, status, error, code):
    main = app(directory, "main")
    request = {**form(main.client_id, client_secret="s3cret"), **change}
    request = {k: v for k, v in request.items() if v is not None}
    with pytest.raises(entra.TokenError) as caught:
        directory.issue(directory.tenant_id, request)
    assert (caught.value.status, caught.value.error, caught.value.code) == (status, error, code)


def test_graph_scope_gives_graph_audience(directory):
    main = app(directory, "main")
    answer = directory.issue(directory.tenant_id, form(
        main.client_id, client_secret="s3cret", scope=f"{BASE}/graph/.default"))
    assert directory.verify(answer["access_token"], f"{BASE}/graph")["aud"] == f"{BASE}/graph"
    with pytest.raises(entra.InvalidToken):
        directory.verify(answer["access_token"], BASE)


def test_expired_minted_token_is_invalid(directory):
    token = directory.mint(app(directory, "main"), BASE, -10)
    with pytest.raises(entra.InvalidToken, match="expired"):
        directory.verify(token, BASE)


def test_openid_configuration_points_at_sandbox(directory):
    doc = directory.openid_configuration()
    assert doc["token_endpoint"] == f"{BASE}/{directory.tenant_id}/oauth2/v2.0/token"
    assert doc["issuer"] == f"{BASE}/{directory.tenant_id}/v2.0"
    assert directory.jwks()["keys"][0]["kty"] == "RSA"


def test_a_token_is_decoded_once_and_refused_once_its_time_is_up(directory, monkeypatch):
    # Each request verified its token's signature again: more CPU than a small request's cmdlet.
    decoded = []
    real = jwt.decode
    monkeypatch.setattr(entra.jwt, "decode", lambda *a, **k: decoded.append(1) or real(*a, **k))
    token = directory.mint(app(directory, "main"), BASE, 1)
    first = directory.verify(token, BASE)
    for unused in range(20):
        assert directory.verify(token, BASE) == first
    assert len(decoded) == 1
    first["roles"] = ["changed by a caller"]
    assert directory.verify(token, BASE)["roles"] == [entra.MANAGE_AS_APP]
    with pytest.raises(entra.InvalidToken):
        directory.verify(token, BASE + "/graph")
    time.sleep(1.1)
    with pytest.raises(entra.InvalidToken, match="expired"):
        directory.verify(token, BASE)
