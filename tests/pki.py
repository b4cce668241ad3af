"""A throwaway PKI for the signed documents: a root CA ("the center's CA") and a document-signing certificate
it issues, as PEM files — what a center configures in GJJ_SIGNING_*."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _pem_key(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def throwaway_pki(folder: Path, center: str = "沈阳住房公积金管理中心") -> dict[str, str]:
    """Files: ca.pem (the trust root), chain.pem (= the CA), key.pem and cert.pem (the signing certificate)."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(_name("测试根证书 CA")).issuer_name(_name("测试根证书 CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(_name(center)).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1)).not_valid_after(now + timedelta(days=90))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    files = {
        "ca": folder / "ca.pem",
        "chain": folder / "chain.pem",
        "key": folder / "key.pem",
        "cert": folder / "cert.pem",
    }
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["chain"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(_pem_key(key))
    files["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return {name: str(path) for name, path in files.items()}


def signing_env(folder: Path) -> dict[str, str]:
    pki = throwaway_pki(folder)
    return {
        "GJJ_SIGNING_KEY_FILE": pki["key"],
        "GJJ_SIGNING_CERT_FILE": pki["cert"],
        "GJJ_SIGNING_CHAIN_FILE": pki["chain"],
        "GJJ_SIGNING_TRUST_FILE": pki["ca"],
    }
