"""TLS: the CA given at sign-in is the only trust for the server; the environment cannot
replace it, and without it a private CA's certificate is refused."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fieldclient.replication import account
from fieldclient.replication.credentials import MemoryCredentialStore
from fieldclient.replication.engine import SyncEngine
from fieldclient.replication.errors import TlsFailure
from fieldclient.store.db import open_store
from tests.replication.support import Server, password


def _ca(folder: Path, name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / f"{name}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def _server_cert(folder: Path, ca_key, ca_cert) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cpath, kpath = folder / "server.pem", folder / "server.key"
    cpath.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    kpath.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
    return cpath, kpath


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    ca_key, ca_cert, ca_path = _ca(folder, "enlace-test-ca")
    _, _, other_ca = _ca(folder, "someone-else-ca")
    srv = Server(folder / "srv", tls=_server_cert(folder, ca_key, ca_cert))
    srv.add_accounts()
    srv.start()
    yield srv, ca_path, other_ca
    srv.stop()


def _login(tmp_path, url, ca):
    store = open_store(tmp_path)
    creds = MemoryCredentialStore()
    try:
        account.login(store, url, "ana", password("ana"), "tls-test", ca, credentials=creds)
        return store, creds
    except Exception:
        store.close()
        raise


def test_private_ca_given_at_sign_in_is_trusted_and_kept(tls_server, tmp_path):
    """Proves sign-in and sync succeed over TLS with the CA file given at sign-in."""
    srv, ca, _ = tls_server
    store, creds = _login(tmp_path / "ok", srv.url, str(ca))
    try:
        kept = store.get_meta(account.META_CA)
        assert kept and Path(kept).is_relative_to(store.data_dir)
        assert SyncEngine(store, creds).round().complete
    finally:
        store.close()


def test_without_the_ca_the_certificate_is_refused(tls_server, tmp_path):
    """Proves verification is on by default: a private CA is not trusted unless given."""
    srv, _, _ = tls_server
    with pytest.raises(TlsFailure):
        _login(tmp_path / "none", srv.url, None)


def test_environment_cannot_replace_the_given_ca(tls_server, tmp_path, monkeypatch):
    """Proves REQUESTS_CA_BUNDLE/SSL_CERT_FILE neither add trust nor override the sign-in CA."""
    srv, ca, other = tls_server
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(var, str(ca))
    with pytest.raises(TlsFailure):
        _login(tmp_path / "env-only", srv.url, None)
    with pytest.raises(TlsFailure):
        _login(tmp_path / "wrong-ca", srv.url, str(other))


def test_without_a_ca_the_operating_systems_store_is_trusted(tls_server, tmp_path, monkeypatch):
    """Proves that with no CA given the client trusts what the operating system trusts (here a
    system store that holds the site CA, as an installer's CA package makes it), not
    certifi's bundle, while SSL_CERT_FILE still adds nothing."""
    import ssl

    srv, ca, other = tls_server

    def system_store(cafile: Path):  # what OpenSSL was built to read on this machine
        return lambda: ssl.DefaultVerifyPaths(str(cafile), None, "SSL_CERT_FILE", str(cafile),
                                              "SSL_CERT_DIR", "/nonexistent")

    monkeypatch.setattr(ssl, "get_default_verify_paths", system_store(ca))
    store, _ = _login(tmp_path / "system", srv.url, None)
    store.close()
    monkeypatch.setattr(ssl, "get_default_verify_paths", system_store(other))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    with pytest.raises(TlsFailure):
        _login(tmp_path / "not-system", srv.url, None)
