"""The Word templates (built by `python -m thidua_documents.templates.build`, committed as .docx).

A template's version is the SHA-256 of its file: the register records it with every
issued document, and keeps the file, so a document can be regenerated after the
template has changed.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent

DECREE = "quyet_dinh_khen_thuong.docx"
REVIEW_MINUTES = "bien_ban_tong_ket.docx"
PLEDGE_MINUTES = "bien_ban_ky_giao_uoc.docx"
PLEDGE = "giao_uoc_thi_dua.docx"
FLAG_MINUTES = "bien_ban_ban_giao_co.docx"
REPORT = "bao_cao_tong_ket.docx"
PROPOSAL = "to_trinh_khen_thuong.docx"

ALL = (DECREE, REVIEW_MINUTES, PLEDGE_MINUTES, PLEDGE, FLAG_MINUTES, REPORT, PROPOSAL)


@lru_cache
def template_bytes(name: str) -> bytes:
    if name not in ALL:
        raise KeyError(f"no template {name!r}")
    return (TEMPLATES_DIR / name).read_bytes()


def template_version(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
