"""Reproducible anywhere: regeneration compares the canonical form of a document (its XML
parts, normalised), not its zip bytes, which differ between zlib builds; and it agrees when
run in another process."""

import io
import json
import os
import subprocess
import sys
import zipfile

from lxml import etree
from thidua_documents.rendering import c14n_digest, canonical_digest, same_document
from thidua_documents.settings import Settings

from tests.documents import requests
from tests.documents.conftest import Docs
from tests.documents.world import World


def recompressed(content: bytes, level: int) -> bytes:
    """The same parts deflated at another level: what another zlib build may well write."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in reversed(source.infolist()):
            target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def issued_review(docs: Docs, world: World) -> tuple[dict[str, str], bytes]:
    entry = docs.client.post(f"{requests.cluster_year(world)}/review-minutes", json=requests.review_minutes()).json()
    return entry, docs.client.get(f"/documents/{entry['document_id']}/file").content


def test_the_canonical_form_ignores_compression_but_not_content(docs: Docs, world: World) -> None:
    entry, content = issued_review(docs, world)
    other = recompressed(content, 1)
    assert other != content
    assert canonical_digest(other) == canonical_digest(content) == entry["canonical_sha256"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace("Phòng Tham mưu".encode(), "Phòng Khác".encode())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert canonical_digest(out.getvalue()) != entry["canonical_sha256"]


def reserialised(content: bytes) -> bytes:
    """The same XML as another serialiser might write it: no declaration, attributes reordered,
    Vietnamese letters as character references."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                root = etree.fromstring(data)
                for element in root.iter():
                    items = list(element.attrib.items())
                    element.attrib.clear()
                    element.attrib.update(dict(reversed(items)))
                data = etree.tostring(root)
            target.writestr(name, data)
    return out.getvalue()


def test_a_file_another_serialiser_wrote_is_the_same_document_and_a_changed_one_is_not(
        docs: Docs, world: World) -> None:
    entry, content = issued_review(docs, world)
    other = reserialised(content)
    assert canonical_digest(other) != entry["canonical_sha256"]  # the parts' bytes differ ...
    assert c14n_digest(other) == c14n_digest(content)  # ... their canonical XML does not
    assert same_document(content, entry["canonical_sha256"], other)
    with zipfile.ZipFile(io.BytesIO(other)) as archive:
        xml = archive.read("word/document.xml")  # written as ASCII, with character references
        assert b"Tham" in xml
        xml = xml.replace(b"Tham", b"Thxm")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for name in archive.namelist():
                target.writestr(name, xml if name == "word/document.xml" else archive.read(name))
    changed = out.getvalue()
    assert not same_document(content, entry["canonical_sha256"], changed)


def test_regeneration_compares_the_canonical_form(docs: Docs, world: World) -> None:
    entry, _ = issued_review(docs, world)
    result = docs.client.post(f"/documents/{entry['document_id']}/regenerate").json()
    assert result["identical"]
    assert result["regenerated_canonical_sha256"] == result["recorded_canonical_sha256"] == entry["canonical_sha256"]


REGENERATE = """
import json, sys
from thidua_documents.register import Register
from thidua_documents.settings import Settings
from thidua_documents.store import Store
result = Register(Store(Settings())).regenerate(sys.argv[1])
print(json.dumps({"canonical": result.canonical_sha256, "identical": result.identical}))
"""


def _environment(settings: Settings) -> dict[str, str]:
    env = {**os.environ, "DOCUMENTS_STORE": settings.store, "DOCUMENTS_SQLITE_PATH": str(settings.sqlite_path),
           "POSTGRES_HOST": settings.postgres_host, "POSTGRES_PORT": str(settings.postgres_port),
           "POSTGRES_USER": settings.postgres_user, "POSTGRES_DBNAME": settings.postgres_dbname,
           "POSTGRES_PASSWORD": settings.postgres_password.get_secret_value(),
           "DOCUMENTS_POSTGRES_SCHEMA": settings.postgres_schema}
    env.pop("PYTHONHASHSEED", None)
    return env


def test_an_issued_document_regenerates_identically_in_a_second_process(docs_any_store: Docs, world: World,
                                                                        any_store: Settings) -> None:
    docs = docs_any_store
    entries = [docs.client.post(path, json=body).json() for path, body in requests.every_document(world)]
    for entry in entries:
        done = subprocess.run([sys.executable, "-c", REGENERATE, entry["document_id"]], env=_environment(any_store),
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result == {"canonical": entry["canonical_sha256"], "identical": True}, entry["kind"]
