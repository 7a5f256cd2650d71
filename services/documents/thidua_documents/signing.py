"""Signed PDFs: an issued document as an electronic document signed with its issuing body's key.

Nghị định 30/2020, Điều 5 and 13.7, Phụ lục I §II.7: a PDF (PDF/A-2b, which LibreOffice
exports) carrying a PAdES signature made with the issuing body's key, and the images the
decree draws: the signer's signature in blue, centred between the signer's title and name,
and the body's seal in red, at its real size, over the left third of the signature. Both
images form the appearance of one visible signature field (pyHanko), so the images and the
signature cannot be separated.

Keys live under a directory given by the environment (DOCUMENTS_BODY_KEYS_DIR), one folder
per issuing body named after its register key; `testca.py` makes a test authority for
`make run`. Verification (`verify`) needs only the trusted root: nothing that verifies
can also sign.
"""

import io
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509
from PIL import Image
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext

POINTS_PER_MM = 72 / 25.4
SIGNATURE_WIDTH_MM = 40  # the signer's image, when its file records no resolution


class NoSigningKey(Exception):
    """The issuing body has no key under the signing directory, or none is configured."""


def body_folder(issuer_key: str) -> str:
    """"cluster:6cea…" → "cluster_6cea…": a file name on any system."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", issuer_key)


@dataclass(frozen=True)
class BodyKey:
    """What signs for one issuing body: its key and certificate (with the chain up to the
    root), the image of its seal and the image of its signer's signature."""

    signer: signers.SimpleSigner
    seal: Image.Image
    signature: Image.Image


class KeyStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def key_for(self, issuer_key: str) -> BodyKey:
        folder = self.directory / body_folder(issuer_key)
        if not (folder / "key.pem").exists():
            raise NoSigningKey(f"no signing key for issuing body {issuer_key} (expected {folder}/key.pem)")
        chain = [str(folder / "chain.pem")] if (folder / "chain.pem").exists() else []
        signer = signers.SimpleSigner.load(str(folder / "key.pem"), str(folder / "cert.pem"),
                                           ca_chain_files=chain)
        if signer is None:
            raise NoSigningKey(f"the key of issuing body {issuer_key} could not be read")
        return BodyKey(signer, Image.open(folder / "seal.png"), Image.open(folder / "signature.png"))


def _size_pt(image: Image.Image, default_width_mm: float) -> tuple[float, float]:
    """The printed size of an image from the resolution its file records (a seal's image is
    made at the seal's real size), else scaled to `default_width_mm`."""
    dpi = image.info.get("dpi")
    if dpi and dpi[0] > 1:
        return image.width / float(dpi[0]) * 72, image.height / float(dpi[1]) * 72
    width = default_width_mm * POINTS_PER_MM
    return width, width * image.height / image.width


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin at the bottom left of the page."""

    x0: float
    y0: float
    x1: float
    y1: float


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def _alone(html: str, wanted: list[str], offset: int) -> tuple[int, Box, float] | None:
    found = None
    for page_no, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), start=offset):
        height = float(re.search(r'height="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        words = [(float(x0), float(y0), float(x1), float(y1), text) for x0, y0, x1, y1, text in _WORD.findall(page)]
        for start in range(len(words) - len(wanted) + 1):
            run = words[start:start + len(wanted)]
            if [w[4] for w in run] != wanted or any(abs(w[1] - run[0][1]) > 1 for w in run):
                continue
            before = words[start - 1] if start else None
            after = words[start + len(wanted)] if start + len(wanted) < len(words) else None
            alone = (before is None or abs(before[1] - run[0][1]) > 1 or run[0][0] - before[2] > 20) and \
                    (after is None or abs(after[1] - run[0][1]) > 1 or after[0] - run[-1][2] > 20)
            if alone:
                x0, y0 = min(w[0] for w in run), min(w[1] for w in run)
                x1, y1 = max(w[2] for w in run), max(w[3] for w in run)
                found = (page_no, Box(x0, height - y1, x1, height - y0), height)
    return found


def find_signer_line(pdf: bytes, name: str) -> tuple[int, Box, float]:
    """The page (0-based), box and page height of the signer's name standing alone on its
    line: the name under the signature (a mention of the chair in the text has other words
    beside it). The last such line wins (minutes name the chair in the text first). Read
    with poppler's pdftotext, which prints word boxes (its plain -bbox: the layout analysis
    of -bbox-layout costs seconds on a long list)."""
    pages = int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])
    found = None
    with tempfile.TemporaryDirectory(prefix="thidua-sign-") as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(pdf)
        # A signature closes the document's own text: on its first pages (a decree, before the
        # attached list) or on its last (minutes, a report). Reading only those keeps a
        # 20-page list from costing seconds.
        for first, last in ((1, min(3, pages)), (max(4, pages - 1), pages)):
            if first > last or found is not None:
                continue
            html = subprocess.run(["pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(source), "-"],
                                  capture_output=True, text=True, check=True, timeout=60).stdout
            found = _alone(html, name.split(), first - 1)
    if found is None:
        raise ValueError(f"the signer's name {name!r} is not on a line of its own in the document")
    return found


def appearance(key: BodyKey, name_line: Box) -> tuple[Box, Image.Image]:
    """Where the images go, and one image holding both: the signature centred over the
    signer's name, in the space left for it (Phụ lục I §II.7: "đặt canh giữa chức vụ của
    người ký và họ tên người ký"); the seal at its real size over the left third of it."""
    sig_w, sig_h = _size_pt(key.signature, SIGNATURE_WIDTH_MM)
    seal_w, seal_h = _size_pt(key.seal, 36)
    centre = (name_line.x0 + name_line.x1) / 2
    sig = Box(centre - sig_w / 2, name_line.y1 + 4, centre + sig_w / 2, name_line.y1 + 4 + sig_h)
    seal_x0 = sig.x0 + sig_w / 3 - seal_w  # its right edge a third into the signature
    mid = (sig.y0 + sig.y1) / 2
    seal = Box(seal_x0, mid - seal_h / 2, seal_x0 + seal_w, mid + seal_h / 2)
    box = Box(min(sig.x0, seal.x0), min(sig.y0, seal.y0), max(sig.x1, seal.x1), max(sig.y1, seal.y1))
    scale = 4  # pixels per point in the combined image (288 dpi)
    canvas = Image.new("RGBA", (round((box.x1 - box.x0) * scale), round((box.y1 - box.y0) * scale)), (0, 0, 0, 0))
    for image, where in ((key.signature, sig), (key.seal, seal)):  # the seal on top of the signature
        resized = image.convert("RGBA").resize((round((where.x1 - where.x0) * scale),
                                                round((where.y1 - where.y0) * scale)))
        canvas.alpha_composite(resized, (round((where.x0 - box.x0) * scale), round((box.y1 - where.y1) * scale)))
    return box, canvas


def sign_pdf(pdf: bytes, key: BodyKey, signer_name: str | None, field_name: str = "ChuKySo") -> bytes:
    """PAdES-sign `pdf` with the body's key. With a signer's name, the field is visible and
    shows the images where the decree draws them; without one (a pledge signed by every
    unit) it is invisible."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    style: Any = None
    if signer_name:
        page, name_line, _ = find_signer_line(pdf, signer_name)
        box, image = appearance(key, name_line)
        fields.append_signature_field(writer, fields.SigFieldSpec(
            field_name, on_page=page, box=(round(box.x0), round(box.y0), round(box.x1), round(box.y1))))
        style = StaticStampStyle(background=PdfImage(image), background_opacity=1, border_width=0)
    else:
        fields.append_signature_field(writer, fields.SigFieldSpec(field_name))
    metadata = signers.PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES,
                                            md_algorithm="sha256")
    out = io.BytesIO()
    signers.PdfSigner(metadata, signer=key.signer, stamp_style=style).sign_pdf(writer, output=out)
    return out.getvalue()


@dataclass(frozen=True)
class Verification:
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the certificate chains up to the trusted root
    bottom_line: bool  # pyHanko's overall verdict: the one to rely on
    signer: str


def load_root(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    if data.lstrip().startswith(b"-----"):
        from asn1crypto import pem

        _, _, data = pem.unarmor(data)
    return x509.Certificate.load(data)


def verify(pdf: bytes, root: x509.Certificate) -> Verification:
    """Check the last signature of `pdf` offline, against the trusted root only."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    if not reader.embedded_signatures:
        return Verification(False, False, False, "")
    signature = reader.embedded_signatures[-1]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root], allow_fetching=False))
    return Verification(intact=status.intact, trusted=status.trusted, bottom_line=status.bottom_line,
                        signer=status.signing_cert.subject.human_friendly)




@dataclass(frozen=True)
class SignedPdf:
    document_id: str
    sha256: str
    size: int
    signed_by: str  # the certificate's subject
    content: bytes


def signer_name(context: dict[str, Any]) -> str | None:
    """Whose signature the images stand for: the document's signer ("sign"), the chair
    (CHỦ TỌA, on the right) of minutes, or the giver's representative (ĐẠI DIỆN BÊN GIAO) of
    flag-handover minutes. Those minutes go out under the cluster's name and the service
    holds one key per issuing body, so the cluster's one signature stands over the giver,
    whom the register records as the signer; the receiving unit's representative signs the
    paper copy (a second body's signature would need that unit's key and its own field).
    None for a pledge, which every unit signs: its signature stays invisible."""
    block = context.get("sign") or context.get("right")
    if block is None and isinstance(context.get("giver"), dict):
        return context["giver"].get("representative") or None
    return (block or {}).get("name") or None
