"""The test authority `make run` and the tests sign with: the folder handed to the documents
service (its body keys, and the root it verifies against) holds no key that certifies.
Nothing that verifies can also sign."""

import shutil
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from thidua_documents.testca import ca_key_path, make_body_key

BODY = "authority:00000000-0000-0000-0000-000000000001"


def root_private_keys_in(folder: Path) -> list[Path]:
    """Every file under `folder` that is the private key of the root certificate there."""
    root = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes()).public_key()
    assert isinstance(root, ec.EllipticCurvePublicKey)
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), None)
        except ValueError:
            continue  # not a PEM private key
        if key.public_key() == root:
            found.append(path)
    return found


def test_the_body_keys_folder_holds_no_key_of_the_root(tmp_path: Path) -> None:
    folder = make_body_key(tmp_path / "keys", BODY, "Công an thành phố Hà Nội").parent
    assert root_private_keys_in(folder) == []
    assert ca_key_path(folder).exists() and not ca_key_path(folder).is_relative_to(folder)


def test_a_root_key_an_earlier_version_kept_in_the_folder_is_moved_out(tmp_path: Path) -> None:
    """The near miss: `make run` on a machine whose keys an earlier version made."""
    folder = make_body_key(tmp_path / "keys", BODY, "Công an thành phố Hà Nội").parent
    shutil.move(ca_key_path(folder), folder / "ca.key.pem")  # the earlier layout
    assert root_private_keys_in(folder) == [folder / "ca.key.pem"]
    second = make_body_key(folder, "unit:00000000-0000-0000-0000-000000000002", "Phòng Tham mưu")
    assert root_private_keys_in(folder) == []
    root = x509.load_pem_x509_certificate((folder / "ca.pem").read_bytes())
    x509.load_pem_x509_certificate((second / "cert.pem").read_bytes()).verify_directly_issued_by(root)
