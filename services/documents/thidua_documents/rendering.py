"""The one function that turns a template and a context into a .docx, byte for byte the
same every time: fixed core properties, and zip entries written with a fixed time in
python-docx's own order (its `save` stamps each entry with the current time)."""

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from docx.opc.packuri import PackURI
from docx.opc.pkgwriter import PackageWriter
from docxtpl import DocxTemplate
from jinja2 import Environment, Template

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


@dataclass(frozen=True)
class CoreProperties:
    """What File > Properties shows; the date is the document's own, never the render time."""

    title: str
    author: str
    dated: date


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
    fix_core_properties(document.docx, core)
    return save(document.docx)


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
