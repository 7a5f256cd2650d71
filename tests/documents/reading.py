"""Reading a rendered .docx back with python-docx, the way a checker of Nghị định 30 would."""

import io
import zipfile
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph


def open_docx(content: bytes) -> DocumentType:
    return Document(io.BytesIO(content))


def blocks(doc: DocumentType) -> list[Paragraph | Table]:
    """Top-level paragraphs and tables, in order."""
    return list(doc.iter_inner_content())


def paragraph(doc: DocumentType, starts_with: str) -> Paragraph:
    found = [p for p in doc.paragraphs if p.text.startswith(starts_with)]
    assert found, f"no paragraph starts with {starts_with!r}"
    return found[0]


def following(doc: DocumentType, starts_with: str) -> list[Paragraph | Table]:
    """The blocks after the first paragraph that starts with the text."""
    items = blocks(doc)
    index = next(i for i, b in enumerate(items) if isinstance(b, Paragraph) and b.text.startswith(starts_with))
    return items[index + 1:]


def next_table(doc: DocumentType, starts_with: str) -> Table:
    return next(b for b in following(doc, starts_with) if isinstance(b, Table))


def rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def texts(cell: Any) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def size(run: Any) -> float | None:
    return run.font.size.pt if run.font.size is not None else None


def is_rule(p: Paragraph) -> bool:
    """A rule as the template draws it: an empty paragraph of its own whose bottom border is
    the line (so it sits below the text above it, never on it)."""
    ppr = p._p.pPr
    borders = ppr.find(qn("w:pBdr")) if ppr is not None else None
    return borders is not None and borders.find(qn("w:bottom")) is not None and p.text == ""


def indents(p: Paragraph) -> tuple[int, int]:
    ind = p._p.pPr.find(qn("w:ind"))
    return int(ind.get(qn("w:left"))), int(ind.get(qn("w:right")))


def entries(content: bytes) -> list[tuple[str, tuple[int, ...], bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(i.filename, i.date_time, archive.read(i.filename)) for i in archive.infolist()]
