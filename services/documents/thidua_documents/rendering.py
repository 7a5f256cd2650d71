"""The one function that turns a template and a context into a .docx, byte for byte the
same every time: fixed core properties, and zip entries written with a fixed time in
python-docx's own order (its `save` stamps each entry with the current time)."""

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docx.shared import Pt
from docxtpl import DocxTemplate
from jinja2 import Environment, Template
from lxml import etree

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
RENDERING_VERSION = (f"thidua-render 2 (python-docx {version('python-docx')}, docxtpl {version('docxtpl')}, "
                     f"jinja2 {version('jinja2')})")
"""Recorded with each issued document: what made the file besides its template and facts."""
DRAFT_MARK = "DỰ THẢO"
NOT_ISSUED = "Dự thảo: not issued (chưa ban hành, không có giá trị pháp lý)"


@dataclass(frozen=True)
class CoreProperties:
    """What File > Properties shows; the date is the document's own, never the render time."""

    title: str
    author: str
    dated: date
    draft: bool = False


class _CompilingOnce(Environment):
    """docxtpl compiles the XML of every part into a Jinja template on every render; that
    XML depends only on the template file, so each distinct one is compiled once."""

    @lru_cache(maxsize=64)  # noqa: B019  # one environment for the process; templates are few
    def _compiled(self, source: str) -> Template:
        return super().from_string(source)

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is None and template_class is None and isinstance(source, str):
            return self._compiled(source)
        return super().from_string(source, globals, template_class)


# autoescape: names such as "Phòng A & B" must not break the XML
_JINJA = _CompilingOnce(autoescape=True)


def render(template: bytes, context: Mapping[str, Any], core: CoreProperties) -> bytes:
    document = DocxTemplate(io.BytesIO(template))
    document.render(dict(context), jinja_env=_JINJA, autoescape=True)
    if core.draft:
        mark_draft(document.docx)
    fix_core_properties(document.docx, core)
    return save(document.docx)


def mark_draft(document: Any) -> None:
    """A draft can never pass for an issued document: "DỰ THẢO" in bold capitals above the
    header (Nghị định 30 has no rule for drafts: this mark is our product's choice)."""
    body = document.element.body
    mark = document.add_paragraph()  # appended at the end, then moved to the top
    mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = mark.add_run(DRAFT_MARK)
    run.bold = True
    run.font.size = Pt(14)
    run.font.name = "Times New Roman"
    body.remove(mark._p)
    body.insert(0, mark._p)


def fix_core_properties(document: Any, core: CoreProperties) -> None:
    props = document.core_properties
    moment = datetime(core.dated.year, core.dated.month, core.dated.day, tzinfo=UTC)
    props.title = core.title
    props.author = core.author
    props.last_modified_by = core.author
    props.created = moment
    props.modified = moment
    props.last_printed = moment
    props.revision = 1
    props.subject = props.keywords = props.comments = props.category = ""
    props.content_status = props.identifier = props.version = ""
    if core.draft:
        props.title = f"{DRAFT_MARK}: {core.title}"
        props.content_status = NOT_ISSUED
        props.keywords = DRAFT_MARK
    props.language = "vi-VN"


class _FixedTimeZip:
    """python-docx's physical package writer, but every entry dated ZIP_EPOCH."""

    def __init__(self, stream: io.BytesIO) -> None:
        self._zip = zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED)

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=ZIP_EPOCH)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.create_system = 0  # else the zip records the OS it was made on
        entry.external_attr = 0
        self._zip.writestr(entry, blob)

    def close(self) -> None:
        self._zip.close()


def save(document: Any) -> bytes:
    """`Document.save` with fixed entry times, written once (rather than saved and then
    rewritten, which would compress every part twice). It drives python-docx's own
    PackageWriter steps, so the entries and their order are exactly python-docx's."""
    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    out = io.BytesIO()
    writer = _FixedTimeZip(out)
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, package.parts)  # type: ignore[arg-type]
    writer.close()
    return out.getvalue()


_SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


def _parts(content: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(name, archive.read(name)) for name in sorted(archive.namelist())]


def _digest(parts: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in parts:
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def canonical_digest(content: bytes) -> str:
    """The SHA-256 of what a document holds, not of how its zip was compressed: each part by
    name, uncompressed (deflate output differs between zlib builds; the parts do not). A few
    milliseconds for a 500-name decree, so every issue records it."""
    return _digest(_parts(content))


def c14n_digest(content: bytes) -> str:
    """Stricter still: XML parts in canonical XML (C14N 1.0, libxml2's own), so that another
    serialiser writing the same tree (attribute order, quotes, declaration) compares equal.
    About 0.3 s for a 500-name decree (lxml's C14N 2.0, in Python, took 1.6 s): used only
    when the canonical digests differ."""
    parts = [(name, etree.tostring(etree.fromstring(data, _SAFE), method="c14n")
              if name.endswith((".xml", ".rels")) else data) for name, data in _parts(content)]
    return _digest(parts)


def same_document(recorded: bytes, recorded_canonical: str, regenerated: bytes) -> bool:
    """Whether a regenerated file is the recorded document: the same parts, or failing that
    the same XML in canonical form."""
    if canonical_digest(regenerated) == recorded_canonical:
        return True
    return c14n_digest(regenerated) == c14n_digest(recorded)
