"""A PDF preview of a .docx through LibreOffice headless, where it is installed.

Each conversion gets its own LibreOffice profile directory: two soffice processes
sharing one profile block each other, so concurrent previews would otherwise fail.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path


class PreviewUnavailable(Exception):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# PDF/A-2b (ISO 19005-2): LibreOffice's export filter option SelectPdfVersion=2. Level 2
# allows the transparent PNGs of a seal and a signature that the signed PDF carries.
PDFA_2B = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def pdf_preview(docx: bytes, timeout: float = 120, pdfa: bool = False) -> bytes:
    """The document as PDF; `pdfa` exports PDF/A-2b, the archival form of a signed PDF."""
    binary = soffice()
    if binary is None:
        raise PreviewUnavailable("LibreOffice is not installed here (`make preview-tools` installs it)")
    with tempfile.TemporaryDirectory(prefix="thidua-preview-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        result = subprocess.run(
            [binary, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
             "--convert-to", PDFA_2B if pdfa else "pdf", "--outdir", str(folder), str(source)],
            capture_output=True, timeout=timeout, check=False,
        )
        pdf = folder / "document.pdf"
        if result.returncode != 0 or not pdf.exists():
            raise PreviewUnavailable(f"LibreOffice could not convert the document: {result.stderr.decode()[-500:]}")
        return pdf.read_bytes()
