"""Key and certificate material the sandbox creates at every start.

Three independent pieces: a private CA plus a TLS server certificate it signs (clients trust
``ca.pem``), the token-signing key Entra would hold, and the app registration's certificate
credential (PEM and PFX) that clients use for ``private_key_jwt`` assertions.
"""

import base64
import datetime
import hashlib
import ipaddress
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALIDITY = datetime.timedelta(days=30)
# Certificates are back-dated so that small clock differences between processes never make a
# freshly generated certificate "not yet valid".
_BACKDATE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class TlsMaterial:
    """PEM bytes for the private CA and the server certificate it issued."""

    ca_cert_pem: bytes
    server_cert_pem: bytes
    server_key_pem: bytes


@dataclass(frozen=True)
class SigningKey:
    """The RSA key that signs access tokens, with its JWKS key id."""

    private_key: rsa.RSAPrivateKey
    kid: str

    def jwk(self):
        """Return the public half as a JSON Web Key (RFC 7517) dict."""
        numbers = self.private_key.public_key().public_numbers()
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": _b64url_uint(numbers.n),
            "e": _b64url_uint(numbers.e),
        }


@dataclass(frozen=True)
class AppCertificate:
    """An app registration's certificate credential."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def thumbprint_sha1(self):
        """Base64url SHA-1 thumbprint, the ``x5t`` header value of older clients."""
        return _b64url(self.certificate.fingerprint(hashes.SHA1()))

    @property
    def thumbprint_sha256(self):
        """Base64url SHA-256 thumbprint, the ``x5t#S256`` header value msal sends."""
        return _b64url(self.certificate.fingerprint(hashes.SHA256()))

    def private_key_pem(self):
        """Unencrypted PKCS#8 PEM of the private key."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def certificate_pem(self):
        """PEM of the certificate alone."""
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def pfx(self, password):
        """PKCS#12 bundle of key and certificate protected by ``password``."""
        return pkcs12.serialize_key_and_certificates(
            b"mailops-sandbox-app",
            self.private_key,
            self.certificate,
            None,
            serialization.BestAvailableEncryption(password.encode()),
        )


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_uint(value):
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def make_tls_material(common_name="mailops sandbox CA", dns_names=()):
    """Create a fresh CA and a server certificate for ``127.0.0.1``, ``localhost`` and
    ``dns_names`` (the on-premises endpoint's FQDN in Kerberos mode).

    The extensions are those strict verifiers (OpenSSL 3 with ``VERIFY_X509_STRICT``, the
    default from Python 3.13) insist on: key usage on the CA, authority/subject key ids.
    """
    now = _now()
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + _VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + _VALIDITY)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                + [x509.DNSName(name) for name in dns_names]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return TlsMaterial(
        ca_cert_pem=ca_cert.public_bytes(serialization.Encoding.PEM),
        server_cert_pem=server_cert.public_bytes(serialization.Encoding.PEM),
        server_key_pem=server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def make_signing_key():
    """Create the RSA key that signs access tokens."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return SigningKey(private_key=key, kid=_b64url(hashlib.sha256(der).digest()[:20]))


def make_app_certificate(subject="mailops-sandbox-app"):
    """Create a self-signed certificate credential, as ``New-SelfSignedCertificate`` would."""
    now = _now()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return AppCertificate(private_key=key, certificate=cert)


def write_atomic(path, data, mode=0o600):
    """Write ``data`` to ``path`` atomically (temporary file, then rename) with ``mode``.

    Readers that poll for the file therefore never see it half written.
    """
    tmp = f"{path}.tmp{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
