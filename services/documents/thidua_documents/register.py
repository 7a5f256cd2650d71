"""The document register (sổ đăng ký văn bản đi): numbers, and what each document was made from.

Issuing takes the next number for (issuing body, type symbol, year) inside the same
transaction that stores the document, holding a row lock on the counter (PostgreSQL) or
the write lock from BEGIN IMMEDIATE (SQLite): numbers are never skipped, because a
failed render rolls the counter back, and never reused, because two requests cannot
hold the counter at once. Each entry keeps the log position and template version the
document was made from (the template file itself too), and the SHA-256 of the file.
"""

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from thidua_documents.documents import KINDS, Kind, Prepared
from thidua_documents.formatting import document_number
from thidua_documents.projections import tracked_position
from thidua_documents.rendering import CoreProperties, render
from thidua_documents.snapshot import Snapshot
from thidua_documents.store import Row, Store, Tx
from thidua_documents.templates import template_bytes, template_version

_COLUMNS = ("document_id, kind, subject, request, issuer_key, issuer_symbol, type_symbol, year, number, "
            "number_text, dated, title, position, template_name, template_version, sha256, size, issued_at")


class AlreadyIssued(Exception):
    """An official document is issued once; a correction is a new document of its own."""

    def __init__(self, kind: str, document_id: str, number_text: str | None) -> None:
        super().__init__(f"this {kind} is already issued" + (f" as {number_text}" if number_text else "")
                         + f" (document {document_id})")
        self.document_id = document_id


class PositionNotReached(Exception):
    def __init__(self, asked: int, reached: int) -> None:
        super().__init__(f"position {asked} is ahead of the projection, which has reached {reached}")


@dataclass(frozen=True)
class Entry:
    """One issued document, without its file."""

    document_id: str
    kind: str
    subject: dict[str, str]
    request: dict[str, Any]
    issuer_key: str
    issuer_symbol: str | None
    type_symbol: str | None
    year: int
    number: int | None
    number_text: str | None
    dated: date
    title: str
    position: int
    template_name: str
    template_version: str
    sha256: str
    size: int
    issued_at: datetime

    @classmethod
    def of(cls, row: Row) -> "Entry":
        values = list(row)
        values[2], values[3] = json.loads(values[2]), json.loads(values[3])
        values[10] = date.fromisoformat(values[10])
        values[17] = datetime.fromisoformat(values[17])
        return cls(*values)


@dataclass(frozen=True)
class Regeneration:
    entry: Entry
    sha256: str
    content: bytes

    @property
    def identical(self) -> bool:
        return self.sha256 == self.entry.sha256


def _core(prepared: Prepared) -> CoreProperties:
    return CoreProperties(title=prepared.title, author=prepared.issuer.name, dated=prepared.dated)


class Register:
    def __init__(self, store: Store, load_template: Callable[[str], bytes] = template_bytes) -> None:
        self.store = store
        self.load_template = load_template  # a seam for tests that change a template

    def _prepare(self, kind: Kind, subject: dict[str, str], request: Any, position: int | None
                 ) -> tuple[Prepared, int]:
        with self.store.transaction() as tx:
            reached = tracked_position(tx)
            if position is not None and position > reached:
                raise PositionNotReached(position, reached)
            as_of = reached if position is None else position
            return kind.prepare(Snapshot(tx, as_of), subject, request), as_of

    def draft(self, kind_name: str, subject: dict[str, str], request: Any, position: int | None = None
              ) -> tuple[bytes, int]:
        """The document as of a position (default: the newest), without a number; nothing is stored."""
        kind = KINDS[kind_name]
        prepared, as_of = self._prepare(kind, subject, request, position)
        symbol = prepared.type_symbol
        number = document_number(None, symbol, prepared.issuer.symbol or "") if symbol else None
        return render(self.load_template(prepared.template), prepared.context_with(number), _core(prepared)), as_of

    def issue(self, kind_name: str, subject: dict[str, str], request: Any) -> Entry:
        """Number, render and record a document: all of it or, on any error, none of it."""
        kind = KINDS[kind_name]
        prepared, position = self._prepare(kind, subject, request, None)  # MissingData: nothing written
        template = self.load_template(prepared.template)
        subject_key = json.dumps(subject, sort_keys=True)
        try:
            return self._issue(kind, subject, subject_key, request, prepared, position, template)
        except (sqlite3.IntegrityError, psycopg.errors.UniqueViolation):
            # Two unnumbered documents of one subject raced past the check: the loser rolled back.
            with self.store.transaction() as tx:
                row = tx.one("SELECT document_id, number_text FROM register_documents WHERE kind = ? "
                             "AND subject = ?", (kind.name, subject_key))
            if row is None:
                raise
            raise AlreadyIssued(kind.name, row[0], row[1]) from None

    def _issue(self, kind: Kind, subject: dict[str, str], subject_key: str, request: Any, prepared: Prepared,
               position: int, template: bytes) -> Entry:
        version = template_version(template)
        with self.store.transaction(write=True) as tx:
            number = self._next_number(tx, prepared) if prepared.type_symbol else None
            # Checked under the counter's lock; UNIQUE (kind, subject) is the backstop.
            issued = tx.one("SELECT document_id, number_text FROM register_documents WHERE kind = ? AND subject = ?",
                            (kind.name, subject_key))
            if issued:
                raise AlreadyIssued(kind.name, issued[0], issued[1])
            number_text = (document_number(number, prepared.type_symbol, prepared.issuer.symbol or "")
                           if prepared.type_symbol else None)
            content = render(template, prepared.context_with(number_text), _core(prepared))
            entry = Entry(
                document_id=str(uuid.uuid4()), kind=kind.name, subject=subject,
                request=request.model_dump(mode="json"), issuer_key=prepared.issuer.key,
                issuer_symbol=prepared.issuer.symbol, type_symbol=prepared.type_symbol,
                year=prepared.dated.year, number=number, number_text=number_text, dated=prepared.dated,
                title=prepared.title, position=position, template_name=prepared.template,
                template_version=version, sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                issued_at=datetime.now(UTC))
            tx.execute("INSERT INTO register_templates VALUES (?, ?, ?) ON CONFLICT (template_version) "
                       "DO NOTHING", (version, prepared.template, template))
            tx.execute(f"INSERT INTO register_documents ({_COLUMNS}, content) VALUES "
                       f"({', '.join('?' * 19)})", (*self._row(entry), content))
        return entry

    @staticmethod
    def _row(entry: Entry) -> tuple[Any, ...]:
        return (entry.document_id, entry.kind, json.dumps(entry.subject, sort_keys=True),
                json.dumps(entry.request, sort_keys=True, ensure_ascii=False), entry.issuer_key,
                entry.issuer_symbol, entry.type_symbol, entry.year, entry.number, entry.number_text,
                entry.dated.isoformat(), entry.title, entry.position, entry.template_name,
                entry.template_version, entry.sha256, entry.size, entry.issued_at.isoformat())

    @staticmethod
    def _next_number(tx: Tx, prepared: Prepared) -> int:
        key = (prepared.issuer.key, prepared.type_symbol, prepared.dated.year)
        tx.execute("INSERT INTO register_counters VALUES (?, ?, ?, 0) "
                   "ON CONFLICT (issuer_key, type_symbol, year) DO NOTHING", key)
        row = tx.one("SELECT last_number FROM register_counters WHERE issuer_key = ? AND type_symbol = ? "
                     "AND year = ?" + tx.for_update, key)
        number = int(row[0]) + 1  # type: ignore[index]
        tx.execute("UPDATE register_counters SET last_number = ? WHERE issuer_key = ? AND type_symbol = ? "
                   "AND year = ?", (number, *key))
        return number

    def get(self, document_id: str) -> Entry | None:
        with self.store.transaction() as tx:
            row = tx.one(f"SELECT {_COLUMNS} FROM register_documents WHERE document_id = ?", (document_id,))
        return Entry.of(row) if row else None

    def entries(self) -> list[Entry]:
        with self.store.transaction() as tx:
            rows = tx.all(f"SELECT {_COLUMNS} FROM register_documents ORDER BY issuer_key, type_symbol, year, "
                          "number, issued_at")
        return [Entry.of(row) for row in rows]

    def content(self, document_id: str) -> bytes | None:
        with self.store.transaction() as tx:
            row = tx.one("SELECT content FROM register_documents WHERE document_id = ?", (document_id,))
        return bytes(row[0]) if row else None

    def regenerate(self, document_id: str) -> Regeneration | None:
        """Render again from the recorded position, request, number and template version."""
        entry = self.get(document_id)
        if entry is None:
            return None
        kind = KINDS[entry.kind]
        request = kind.request_model.model_validate(entry.request)
        with self.store.transaction() as tx:
            row = tx.one("SELECT content FROM register_templates WHERE template_version = ?",
                         (entry.template_version,))
            prepared = kind.prepare(Snapshot(tx, entry.position), entry.subject, request)
        template = bytes(row[0])  # type: ignore[index]  # stored with the entry, in one transaction
        content = render(template, prepared.context_with(entry.number_text), _core(prepared))
        return Regeneration(entry, hashlib.sha256(content).hexdigest(), content)
