"""A Dask cluster only the course can use: its own CA, a certificate per role, the client's side.

A Dask scheduler reached over ``tcp://`` runs whatever any client that reaches its port sends it, on
the machines that receive every submission. Over ``tls://`` every connection is mutual TLS: the
scheduler, each worker and the grading client must each present a certificate signed by the
cluster's CA (Dask checks both ends; host names are not checked, the CA is the cluster's own).

:func:`make_certificates` (``dlgrade dask-certs FOLDER``) writes one folder per role::

    FOLDER/scheduler/{ca.pem,cert.pem,key.pem}   for `dask scheduler`
    FOLDER/worker/{ca.pem,cert.pem,key.pem}      for every `dask worker`
    FOLDER/client/{ca.pem,cert.pem,key.pem}      for `dlgrade autograde --tls FOLDER`

The CA's private key signs these three and is then thrown away, never written: nobody, the course
included, can issue another certificate the cluster accepts. Starting over (a leaked key, a new
term, expiry) is ``dlgrade dask-certs FOLDER --force`` and copying the new folders out.
"""
from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

from .errors import DlgradeError

ROLES = ("scheduler", "worker", "client")
FILES = ("ca.pem", "cert.pem", "key.pem")
INSECURE_FLAG = "--insecure-scheduler-i-trust-its-network"
DEFAULT_DAYS = 365


class DaskSecurityError(DlgradeError):
    """A scheduler address and certificates that do not make a cluster only the course can use."""


class InsecureSchedulerWarning(UserWarning):
    """Grading on a Dask scheduler without TLS."""


def make_certificates(folder: str | Path, days: int = DEFAULT_DAYS, force: bool = False) -> Path:
    """A new CA and a certificate + key for each role under ``folder``; the CA's key is not kept."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(folder)
    if days < 1:
        raise DaskSecurityError(f"--days {days}: certificates must be valid for at least a day")
    there = [role for role in ROLES if (folder / role).exists()]
    if there and not force:
        raise DaskSecurityError(f"{folder} already holds the course's Dask certificates ({', '.join(r + '/' for r in there)}); "
                                f"--force replaces them, and every scheduler, worker and client then needs the new ones")

    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(minutes=5), now + datetime.timedelta(days=days)
    tag = f"{now:%Y-%m-%d} {os.urandom(3).hex()}"  # tells one generation of certificates from another

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dlgrade course Dask cluster"),
                          x509.NameAttribute(NameOID.COMMON_NAME, common)])

    def usage(sign_certificates: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=not sign_certificates, content_commitment=False,
                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                             key_cert_sign=sign_certificates, crl_sign=sign_certificates,
                             encipher_only=False, decipher_only=False)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name(f"dlgrade Dask CA {tag}")
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(usage(True), critical=True)
               .add_extension(ca_ski, critical=False)
               .sign(ca_key, hashes.SHA256()))
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)

    issued = {}
    for role in ROLES:
        key = ec.generate_private_key(ec.SECP256R1())
        # The scheduler and the workers both listen and connect; the grading client only connects.
        purposes = [ExtendedKeyUsageOID.CLIENT_AUTH] if role == "client" else \
            [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
        cert = (x509.CertificateBuilder().subject_name(name(f"dlgrade Dask {role} {tag}")).issuer_name(ca_name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(start).not_valid_after(end)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(usage(False), critical=True)
                .add_extension(x509.ExtendedKeyUsage(purposes), critical=False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
                .sign(ca_key, hashes.SHA256()))
        issued[role] = (cert.public_bytes(serialization.Encoding.PEM),
                        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    del ca_key

    folder.mkdir(parents=True, exist_ok=True)
    for role, (cert_pem, key_pem) in issued.items():
        target = folder / role
        if target.exists():
            shutil.rmtree(target)
        target.mkdir()
        (target / "ca.pem").write_bytes(ca_pem)
        (target / "cert.pem").write_bytes(cert_pem)
        fd = os.open(target / "key.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never readable by others
        with os.fdopen(fd, "wb") as f:
            f.write(key_pem)
    return folder


def client_folder(folder: str | Path) -> Path:
    """The folder holding the client's ca.pem, cert.pem and key.pem: ``folder/client`` or ``folder``."""
    folder = Path(folder)
    return folder / "client" if (folder / "client").is_dir() else folder


def client_security(folder: str | Path):
    """The grading client's :class:`distributed.Security` from the course's certificates."""
    from cryptography import x509
    from distributed import Security

    where = client_folder(folder)
    missing = [f for f in FILES if not (where / f).is_file()]
    if missing:
        raise DaskSecurityError(f"{where} has no {', '.join(missing)}: --tls takes the folder `dlgrade dask-certs` "
                                f"wrote (or its client/ folder, with ca.pem, cert.pem and key.pem)")
    cert = x509.load_pem_x509_certificate((where / "cert.pem").read_bytes())
    if cert.not_valid_after_utc < datetime.datetime.now(datetime.timezone.utc):
        raise DaskSecurityError(f"{where / 'cert.pem'} expired on {cert.not_valid_after_utc:%Y-%m-%d}: make new "
                                f"certificates with `dlgrade dask-certs DIR --force` and give the scheduler and "
                                f"workers theirs")
    return Security(require_encryption=True, tls_ca_file=str(where / "ca.pem"),
                    tls_client_cert=str(where / "cert.pem"), tls_client_key=str(where / "key.pem"))


def _configured_security():
    """A Security from Dask's own configuration (``distributed.comm.tls.*``), when it names a client certificate."""
    import dask.config
    from distributed import Security

    if dask.config.get("distributed.comm.tls.ca-file", None) and dask.config.get("distributed.comm.tls.client.cert",
                                                                                  None):
        return Security(require_encryption=True)
    return None


def scheduler_connection(address: str, tls: str | Path | None = None, insecure_ok: bool = False):
    """``(address, security)`` to connect to the course's scheduler with, or why not (:class:`DaskSecurityError`).

    With certificates (``tls``, else Dask's configuration) the address must be ``tls://`` (a bare
    ``host:port`` becomes one). Without them, a ``tls://`` address is an error and any other is
    refused unless ``insecure_ok`` (security None)."""
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "", address
    security = client_security(tls) if tls is not None else _configured_security()
    if security is not None:
        if scheme in ("", "tls"):
            return f"tls://{rest}", security
        raise DaskSecurityError(f"{address}: the course's certificates are for a TLS scheduler, tls://{rest} "
                                f"(started with --tls-ca-file, --tls-cert and --tls-key)")
    if scheme == "tls":
        raise DaskSecurityError(f"{address} is a TLS scheduler: add --tls DIR, the course's certificates "
                                f"(made by `dlgrade dask-certs DIR`)")
    if not insecure_ok:
        raise DaskSecurityError(
            f"refusing {address}: a Dask scheduler without TLS runs whatever anyone who reaches its port sends it, "
            f"on the machines that receive every submission. Make certificates (`dlgrade dask-certs DIR`), start "
            f"the scheduler and workers with them and grade with --scheduler tls://HOST:PORT --tls DIR (README, "
            f"'Scaling out with Dask'); on a network only the course can reach, {INSECURE_FLAG}")
    return address, None
