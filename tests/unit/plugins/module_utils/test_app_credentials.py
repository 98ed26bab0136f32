import base64
import datetime
import hashlib
import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization

from ansible_collections.mailops.exchange.plugins.module_utils.apps import app_credentials as creds
from ansible_collections.mailops.exchange.plugins.module_utils.transport.auth import load_certificate
from ansible_collections.mailops.exchange.plugins.module_utils.apps.entra_roles import is_guid, resolve_roles, role_name
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError

NOW = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def generated():
    return creds.generate_certificate("CN=Sync app,O=Contoso", 365, 2048, NOW)


def test_generated_certificate_is_self_signed_for_the_subject_and_period(generated):
    key, certificate = generated
    info = creds.certificate_info(certificate)
    assert info.subject == "CN=Sync app,O=Contoso" and certificate.issuer == certificate.subject
    assert info.not_before == NOW - creds.BACKDATE
    assert info.not_after == NOW + 365 * DAY
    der = certificate.public_bytes(serialization.Encoding.DER)
    assert info.thumbprint == hashlib.sha1(der).hexdigest().upper() and info.der == der
    assert key.key_size == 2048
    assert creds.subject_name("plain name").rfc4514_string() == "CN=plain name"


def test_written_files_are_private_reusable_and_accepted_as_client_certificate(tmp_path, generated):
    key, certificate = generated
    pem, pfx = creds.generated_paths(str(tmp_path / "app"))
    creds.write_pem(pem, key, certificate)
    creds.write_pfx(pfx, key, certificate, "pfx-pass", "Sync app")
    for path in (pem, pfx):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["app.pem", "app.pfx"], "no temporary file is left behind"
    unused, again = creds.read_pem(pem)
    assert again == certificate
    assert creds.pfx_holds(pfx, certificate, "pfx-pass")
    assert not creds.pfx_holds(pfx, certificate, "wrong")
    assert not creds.pfx_holds(str(tmp_path / "none.pfx"), certificate, "pfx-pass")
    assert load_certificate(pem)["public_certificate"].startswith("-----BEGIN CERTIFICATE-----")
    assert load_certificate(pfx, "pfx-pass")["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert creds.read_pem(str(tmp_path / "missing.pem")) is None


def test_a_pem_whose_key_does_not_match_is_refused(tmp_path, generated):
    other_key, unused = creds.generate_certificate("other", 1, 2048, NOW)
    path = str(tmp_path / "mixed.pem")
    creds.write_pem(path, other_key, generated[1])
    with pytest.raises(ValueError, match="does not belong to its certificate"):
        creds.read_pem(path)
    (tmp_path / "junk.pem").write_text("junk")
    with pytest.raises(ValueError, match="does not hold an unencrypted private key"):
        creds.read_pem(str(tmp_path / "junk.pem"))


def test_certificate_files_pem_with_key_der_and_bad(tmp_path, generated):
    key, certificate = generated
    thumbprint = creds.certificate_info(certificate).thumbprint
    creds.write_pem(str(tmp_path / "with-key.pem"), key, certificate)
    (tmp_path / "cert.cer").write_bytes(certificate.public_bytes(serialization.Encoding.DER))
    assert creds.load_certificate_file(str(tmp_path / "with-key.pem")).thumbprint == thumbprint
    assert creds.load_certificate_file(str(tmp_path / "cert.cer")).thumbprint == thumbprint
    with pytest.raises(ValueError, match="cannot be read: No such file"):
        creds.load_certificate_file(str(tmp_path / "absent.pem"))
    (tmp_path / "text.pem").write_text("hello")
    with pytest.raises(ValueError, match="is not a PEM or DER X.509 certificate"):
        creds.load_certificate_file(str(tmp_path / "text.pem"))


def test_key_credential_round_trip_and_thumbprint_without_key(generated):
    info = creds.certificate_info(generated[1])
    entry = creds.new_key_credential(info)
    assert entry["type"] == "AsymmetricX509Cert" and entry["usage"] == "Verify"
    assert entry["startDateTime"] == "2025-03-01T11:55:00Z" and entry["endDateTime"] == "2026-03-01T12:00:00Z"
    assert creds.key_credential_thumbprint(entry) == info.thumbprint
    assert creds.key_credential_thumbprint({"key": None, "customKeyIdentifier": info.thumbprint.lower()}) == \
        info.thumbprint
    as_base64 = base64.b64encode(bytes.fromhex(info.thumbprint)).decode()
    assert creds.key_credential_thumbprint({"customKeyIdentifier": as_base64}) == info.thumbprint
    assert creds.key_credential_thumbprint({"customKeyIdentifier": None}) is None


def test_graph_timestamps_with_fractions_and_offsets():
    assert creds.parse_graph_timestamp("2025-03-01T12:00:00.1234567Z") == NOW.replace(microsecond=123456)
    assert creds.parse_graph_timestamp("2025-03-01T14:00:00+02:00") == NOW


def info(name, not_before):
    return creds.CertificateInfo(name, "CN=" + name, not_before, not_before + 365 * DAY, b"")


def test_rotation_keeps_the_old_certificate_during_the_overlap():
    current = {"OLD": NOW + 100 * DAY}
    wanted = {"NEW": info("NEW", NOW - 2 * DAY)}
    plan = creds.plan_certificates(current, wanted, 7, NOW)
    assert plan == creds.CertificatePlan(["NEW"], [], ["OLD"], NOW + 5 * DAY)
    later = creds.plan_certificates({"OLD": NOW + 100 * DAY, "NEW": NOW + 300 * DAY}, wanted, 7, NOW + 5 * DAY)
    assert later == creds.CertificatePlan([], ["OLD"], [], None)


def test_rotation_without_overlap_expired_and_nothing_wanted():
    wanted = {"NEW": info("NEW", NOW)}
    assert creds.plan_certificates({"OLD": NOW + DAY}, wanted, 0, NOW).remove == ["OLD"]
    expired = creds.plan_certificates({"OLD": NOW - DAY}, wanted, 30, NOW)
    assert expired.remove == ["OLD"] and expired.pending == []
    assert creds.plan_certificates({"A": NOW + DAY, "B": NOW + DAY}, {}, 30, NOW).remove == ["A", "B"]
    assert creds.plan_certificates({"NEW": NOW + DAY}, wanted, 30, NOW) == creds.CertificatePlan([], [], [], None)


def test_roles_by_name_any_case_or_template_id():
    assert resolve_roles("directory_roles", ["exchange administrator", "Directory Writers"]) == {
        "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
        "9360feb5-f418-4baa-8175-e2a00bac4301": "Directory Writers"}
    assert resolve_roles("directory_roles", ["FE930BE7-5E62-47DB-91AF-98C3A49A38B1"]) == {
        "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator"}
    unlisted = "11111111-2222-3333-4444-555555555555"
    assert resolve_roles("directory_roles", [unlisted]) == {unlisted: unlisted}
    assert role_name("31392FFB-586C-42D1-9346-E59415A2CC4E") == "Exchange Recipient Administrator"


def test_unknown_role_names_the_option_value_and_choices():
    with pytest.raises(ExchangeError) as unknown:
        resolve_roles("directory_roles", ["Exchange Admin"])
    assert unknown.value.kind == "invalid_argument"
    assert str(unknown.value).startswith("directory_roles: 'Exchange Admin' is not a known directory role")
    assert "Exchange Recipient Administrator" in str(unknown.value)


@pytest.mark.parametrize("text, expected", [
    ("6a478aab-86d6-41fa-aacb-e93655c27b75", True), ("6A478AAB-86D6-41FA-AACB-E93655C27B75", True),
    ("6a478aab86d641faaacbe93655c27b75", False), ("not-a-guid'; drop", False),
    ("6a478aab-86d6-41fa-aacb-e93655c27b75'", False), ("", False)])
def test_is_guid(text, expected):
    assert is_guid(text) is expected
