# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Certificate credentials of an app registration: read, generate, write, and plan rotation.

Thumbprints are the SHA-1 of the certificate's DER encoding in upper-case hex, as the Entra
admin center shows them. The rotation plan is pure (``now`` is passed in) and unit-tested.
"""

import base64
import binascii
import datetime
import os
import re
import tempfile
import traceback
from collections import namedtuple

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None

# A generated certificate starts a little in the past so that clock skew between this host and
# Entra ID never makes it "not yet valid".
BACKDATE = datetime.timedelta(minutes=5)

CertificateInfo = namedtuple('CertificateInfo', ['thumbprint', 'subject', 'not_before', 'not_after', 'der'])

CertificatePlan = namedtuple('CertificatePlan', ['add', 'remove', 'pending', 'retire_at'])
CertificatePlan.__doc__ = """What to do with an app's certificates.

``add``: wanted thumbprints the app lacks; ``remove``: unwanted thumbprints to delete now;
``pending``: unwanted thumbprints kept until ``retire_at`` (the overlap), or None.
"""

_HEX_THUMBPRINT = re.compile(r'^[0-9A-Fa-f]{40}$')


def _utc(certificate, name):
    # cryptography >= 42 has timezone-aware *_utc properties; older releases only naive UTC ones.
    aware = getattr(certificate, name + '_utc', None)
    if aware is not None:
        return aware
    return getattr(certificate, name).replace(tzinfo=datetime.timezone.utc)


def certificate_info(certificate):
    """The ``CertificateInfo`` of a cryptography ``x509.Certificate``."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    return CertificateInfo(
        thumbprint=certificate.fingerprint(hashes.SHA1()).hex().upper(),
        subject=certificate.subject.rfc4514_string(),
        not_before=_utc(certificate, 'not_valid_before'),
        not_after=_utc(certificate, 'not_valid_after'),
        der=der,
    )


def load_certificate_file(path):
    """Read a certificate from a PEM (the first CERTIFICATE block; a key beside it is ignored)
    or DER file. Raises ValueError with a reason that names neither key nor password."""
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except OSError as exc:
        raise ValueError('cannot be read: %s' % (exc.strerror or exc)) from None
    try:
        if b'-----BEGIN CERTIFICATE-----' in data:
            certificate = x509.load_pem_x509_certificate(data)
        else:
            certificate = x509.load_der_x509_certificate(data)
    except ValueError:
        raise ValueError('is not a PEM or DER X.509 certificate') from None
    return certificate_info(certificate)


def key_credential_thumbprint(entry):
    """The thumbprint of a Graph ``keyCredential``: from its ``key`` when Graph returned it,
    else from ``customKeyIdentifier`` (hex, or base64 of the 20 thumbprint bytes); None if neither."""
    key = entry.get('key')
    if key:
        return certificate_info(x509.load_der_x509_certificate(base64.b64decode(key))).thumbprint
    custom = entry.get('customKeyIdentifier') or ''
    if _HEX_THUMBPRINT.match(custom):
        return custom.upper()
    try:
        raw = base64.b64decode(custom, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw.hex().upper() if len(raw) == 20 else None


def graph_timestamp(moment):
    """A datetime as Graph's ``DateTimeOffset`` text."""
    return moment.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def parse_graph_timestamp(text):
    """Graph's ``DateTimeOffset`` text (``Z`` or offset, optional fractions) as an aware datetime."""
    text = re.sub(r'(\.\d{6})\d+', r'\1', str(text).replace('Z', '+00:00'))
    moment = datetime.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def new_key_credential(info):
    """The ``keyCredentials`` entry that uploads certificate ``info``."""
    return {
        'type': 'AsymmetricX509Cert',
        'usage': 'Verify',
        'key': base64.b64encode(info.der).decode('ascii'),
        'displayName': info.subject,
        'startDateTime': graph_timestamp(info.not_before),
        'endDateTime': graph_timestamp(info.not_after),
    }


def plan_certificates(current, wanted, overlap_days, now):
    """Plan certificate rotation.

    ``current`` maps thumbprint -> end of validity (aware datetime) of the app's certificates;
    ``wanted`` maps thumbprint -> ``CertificateInfo``. A current certificate that is not wanted
    is removed once the newest wanted certificate has been valid (``not_before``) for
    ``overlap_days``, or at once when it has expired or nothing is wanted; until then it is
    ``pending`` so both old and new certificates work during the overlap.
    """
    add = sorted(t for t in wanted if t not in current)
    unwanted = sorted(t for t in current if t not in wanted)
    retire_at = None
    if wanted:
        newest = max(info.not_before for info in wanted.values())
        retire_at = newest + datetime.timedelta(days=overlap_days)
    remove, pending = [], []
    for thumbprint in unwanted:
        if retire_at is None or now >= retire_at or current[thumbprint] <= now:
            remove.append(thumbprint)
        else:
            pending.append(thumbprint)
    return CertificatePlan(add, remove, pending, retire_at if pending else None)


def subject_name(subject):
    """An ``x509.Name`` from ``CN=...,O=...`` (RFC 4514) or a plain common name."""
    if '=' in subject:
        return x509.Name.from_rfc4514_string(subject)
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])


def generate_certificate(subject, valid_days, key_size, now):
    """A new RSA key and a self-signed certificate for it, valid ``valid_days`` from ``now``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = subject_name(subject)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
            key_agreement=False, key_cert_sign=False, crl_sign=False, encipher_only=False, decipher_only=False),
            critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def generated_paths(path):
    """``(pem_path, pfx_path)`` of a ``generate_certificate.path``."""
    return path + '.pem', path + '.pfx'


def _write_private(path, data):
    """Write ``data`` atomically with mode 0600 (a temporary file in the same directory, then rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix='.mailops-', dir=directory)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, 'wb') as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_pem(path, key, certificate):
    """The unencrypted PKCS#8 key followed by the certificate, mode 0600: what
    ``client_certificate_path`` reads."""
    _write_private(path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption())
                   + certificate.public_bytes(serialization.Encoding.PEM))


def write_pfx(path, key, certificate, password, friendly_name):
    """A PKCS#12 file of key and certificate, protected by ``password`` (if any), mode 0600."""
    encryption = (serialization.BestAvailableEncryption(password.encode('utf-8')) if password
                  else serialization.NoEncryption())
    _write_private(path, pkcs12.serialize_key_and_certificates(
        friendly_name.encode('utf-8'), key, certificate, None, encryption))


def read_pem(path):
    """``(key, certificate)`` from a PEM file written by ``write_pem``; None if it does not exist.

    Raises ValueError when it exists but does not hold a matching key and certificate.
    """
    if not os.path.exists(path):
        return None
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
        key = serialization.load_pem_private_key(data, None)
        certificate = x509.load_pem_x509_certificate(data)
    except OSError as exc:
        raise ValueError('%s cannot be read: %s' % (path, exc.strerror or exc)) from None
    except (ValueError, TypeError):
        raise ValueError('%s exists but does not hold an unencrypted private key and its certificate' % path) from None
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.DER, spki) != \
            certificate.public_key().public_bytes(serialization.Encoding.DER, spki):
        raise ValueError('%s holds a private key that does not belong to its certificate' % path)
    return key, certificate


def pfx_holds(path, certificate, password):
    """Whether the PFX at ``path`` opens with ``password`` and holds ``certificate``."""
    try:
        with open(path, 'rb') as handle:
            unused, stored, unused_chain = pkcs12.load_key_and_certificates(
                handle.read(), password.encode('utf-8') if password else None)
    except (OSError, ValueError, TypeError):
        return False
    return stored is not None and stored.fingerprint(hashes.SHA256()) == certificate.fingerprint(hashes.SHA256())


SecretPlan = namedtuple('SecretPlan', ['add', 'remove', 'pending', 'retire_at'])
SecretPlan.__doc__ = """What to do with the client secrets of one description.

``add``: whether to add a secret; ``remove``: key ids to remove now; ``pending``: key ids kept
until ``retire_at`` (the overlap), or None.
"""


def plan_secrets(current, description, present, renew_days, overlap_days, now):
    """Plan the rotation (``present``) or removal of the secrets named ``description``.

    A secret is added when none of them is valid for more than ``renew_days`` (None: when none is valid,
    without rotation, as before rotation existed). The others are
    removed once the newest (an added one starts ``now``) has been valid for ``overlap_days``,
    or at once when they have expired; until then they are ``pending``, so both work.
    """
    mine = [c for c in current or () if c.get('displayName') == description]
    if not present:
        return SecretPlan(False, [c['keyId'] for c in mine], [], None)

    def end(credential):
        return parse_graph_timestamp(credential['endDateTime'])

    def start(credential):
        return parse_graph_timestamp(credential.get('startDateTime') or credential['endDateTime'])

    live = [c for c in mine if end(c) > now]
    newest = max(live, key=start) if live else None
    add = newest is None or (renew_days is not None and end(newest) <= now + datetime.timedelta(days=renew_days))
    keep = None if add else newest['keyId']
    retire_at = (now if add else start(newest)) + datetime.timedelta(days=overlap_days)
    remove, pending = [], []
    for credential in mine:
        if credential['keyId'] == keep:
            continue
        (remove if end(credential) <= now or now >= retire_at else pending).append(credential['keyId'])
    return SecretPlan(add, remove, pending, retire_at if pending else None)


def expiring(app, now, days, gone=()):
    """The certificates and secrets of ``app`` that expire within ``days`` (or have expired), soonest first.

    ``gone`` holds key ids and thumbprints this run removes; they are left out.
    """
    out = []
    for kind, rows in (('certificate', (app or {}).get('keyCredentials')), ('secret', (app or {}).get('passwordCredentials'))):
        for row in rows or ():
            thumbprint = key_credential_thumbprint(row) if kind == 'certificate' else None
            if not row.get('endDateTime') or row.get('keyId') in gone or (thumbprint and thumbprint in gone):
                continue
            end = parse_graph_timestamp(row['endDateTime'])
            if end <= now + datetime.timedelta(days=days):
                out.append({'type': kind, 'name': row.get('displayName'), 'key_id': row.get('keyId'),
                            'thumbprint': thumbprint, 'end_date_time': graph_timestamp(end),
                            'days_left': int((end - now).total_seconds() // 86400)})
    return sorted(out, key=lambda c: c['end_date_time'])
