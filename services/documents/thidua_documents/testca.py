"""A test certificate authority and test keys for issuing bodies, for `make run` and tests.

Nothing made here is valid for a real document: every name says "THỬ NGHIỆM" (test), the
seal reads TEST. A real deployment puts its own authority's keys, certificates and the
images of its seals and signatures in DOCUMENTS_BODY_KEYS_DIR, one folder per issuing body
(signing.body_folder), and its root certificate in DOCUMENTS_TRUST_ROOT.
"""

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw

from thidua_documents.signing import body_folder

SEAL_MM = 36  # a round seal's diameter, for the test image only
DPI = 300


def _name(common: str) -> x509.Name:
    suffix = "… (THỬ NGHIỆM)"
    while len(common.encode()) > 64:  # X.520's bound (64, counted in UTF-8 bytes here): a test name is cut
        common = common.removesuffix(suffix).rsplit(" ", 1)[0] + suffix
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "thidua – THỬ NGHIỆM"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def ca_key_path(directory: Path) -> Path:
    """Where the root's private key is kept: beside the body keys' folder, never in it. The
    documents service is given that folder to sign with and the root to verify against; with
    the root's key in it, it could certify any name it liked."""
    return directory.parent / f"{directory.name}-ca" / "ca.key.pem"


def make_ca(directory: Path) -> Path:
    """The root (ca.pem in `directory`, its key at ca_key_path), made once; returns the root
    certificate's path."""
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "ca.pem", ca_key_path(directory)
    if (directory / "ca.key.pem").exists():  # kept there by an earlier version: moved out
        key_path.parent.mkdir(mode=0o700, exist_ok=True)
        (directory / "ca.key.pem").replace(key_path)
    if cert_path.exists():
        return cert_path
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    name = _name("Tổ chức chứng thực THỬ NGHIỆM của thidua")
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    key_path.parent.mkdir(mode=0o700, exist_ok=True)
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path


def make_body_key(directory: Path, issuer_key: str, name: str) -> Path:
    """A key and certificate for one issuing body, signed by the test root, with test
    images of its seal and signature; made once. Returns the body's folder."""
    folder = directory / body_folder(issuer_key)
    if (folder / "key.pem").exists():
        return folder
    make_ca(directory)
    ca_key = serialization.load_pem_private_key(ca_key_path(directory).read_bytes(), None)
    ca_cert = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(f"{name} (THỬ NGHIỆM)"))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca_key, hashes.SHA256()))  # type: ignore[arg-type]
    _write_key(folder / "key.pem", key)
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "chain.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    seal_image().save(folder / "seal.png", dpi=(DPI, DPI))
    signature_image().save(folder / "signature.png", dpi=(DPI, DPI))
    return folder


def seal_image() -> Image.Image:
    """A red round seal of SEAL_MM at DPI, transparent around it, reading TEST."""
    size = round(SEAL_MM / 25.4 * DPI)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 16, 32, 255)
    draw.ellipse((4, 4, size - 5, size - 5), outline=red, width=10)
    draw.ellipse((60, 60, size - 61, size - 61), outline=red, width=4)
    centre, radius = size / 2, size / 9
    star = [(centre + radius * math.cos(math.pi / 2 + i * math.pi / 5) * (1 if i % 2 == 0 else 0.4),
             centre - radius * math.sin(math.pi / 2 + i * math.pi / 5) * (1 if i % 2 == 0 else 0.4))
            for i in range(10)]
    draw.polygon(star, fill=red)
    draw.text((centre, centre + radius * 1.8), "TEST", fill=red, anchor="mm", font_size=48)
    return image


def signature_image() -> Image.Image:
    """A blue hand-drawn stroke, 40 × 16 mm at DPI, on a transparent background."""
    width, height = round(40 / 25.4 * DPI), round(16 / 25.4 * DPI)
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = [(width * (0.08 + 0.84 * t / 60), height * (0.5 - 0.32 * math.sin(t / 4.5) * math.cos(t / 17)))
              for t in range(61)]
    draw.line(points, fill=(16, 48, 200, 255), width=7, joint="curve")
    return image
