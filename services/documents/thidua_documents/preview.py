"""A PDF preview of a .docx through LibreOffice headless, where it is installed.

Each conversion gets its own LibreOffice profile directory: two soffice processes
sharing one profile block each other, so concurrent previews would otherwise fail.
"""

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

AT_ONCE = 2
"""LibreOffice conversions running at once in one process: each is a soffice process of a few
hundred MB, started for any reader's preview, so without a bound a reader asking for many at once
exhausts the server's memory."""
CONVERSIONS = threading.BoundedSemaphore(AT_ONCE)
RETRY_AFTER_SECONDS = 5


class PreviewUnavailable(Exception):
    pass


class PreviewBusy(Exception):
    """As many conversions as may run at once are running: ask again shortly (429)."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# PDF/A-2b (ISO 19005-2): LibreOffice's export filter option SelectPdfVersion=2. Level 2
# allows the transparent PNGs of a seal and a signature that the signed PDF carries.
PDFA_2B = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def pdf_preview(docx: bytes, timeout: float = 120, pdfa: bool = False, wait: float = 0) -> bytes:
    """The document as PDF; `pdfa` exports PDF/A-2b, the archival form of a signed PDF. `wait`:
    how long to wait for a free conversion before PreviewBusy (a preview does not wait)."""
    binary = soffice()
    if binary is None:
        raise PreviewUnavailable("LibreOffice is not installed here (`make preview-tools` installs it)")
    if not (CONVERSIONS.acquire(timeout=wait) if wait > 0 else CONVERSIONS.acquire(blocking=False)):
        raise PreviewBusy(f"{AT_ONCE} conversions to PDF are running, as many as may run at once; "
                          f"ask again in {RETRY_AFTER_SECONDS} s")
    try:
        return _convert(binary, docx, timeout, pdfa)
    finally:
        CONVERSIONS.release()


def _convert(binary: str, docx: bytes, timeout: float, pdfa: bool) -> bytes:
    with tempfile.TemporaryDirectory(prefix="thidua-preview-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(docx)
        try:
            result = subprocess.run(
                [binary, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                 "--convert-to", PDFA_2B if pdfa else "pdf", "--outdir", str(folder), str(source)],
                capture_output=True, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise PreviewUnavailable(f"LibreOffice did not convert the document within {timeout:.0f} s") from None
        pdf = folder / "document.pdf"
        if result.returncode != 0 or not pdf.exists():
            raise PreviewUnavailable(f"LibreOffice could not convert the document: {result.stderr.decode()[-500:]}")
        return pdf.read_bytes()
