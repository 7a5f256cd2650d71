"""The document register (sổ đăng ký văn bản đi): numbers, and what each document was made from.

Issuing takes its number from the issuing body's book (books.py) inside the transaction
that stores the document, holding the book's counter row (PostgreSQL) or the write lock
from BEGIN IMMEDIATE (SQLite): numbers are never skipped, because a failure rolls the
counter back, and never reused, because two requests cannot hold the counter at once. A
decree the ledger already records keeps its number and date. Each entry keeps who issued
it, the signer and recipients, the log position, template and rendering version it was
made from (the template file itself too), and the SHA-256 of the file and of its
canonical form (what regeneration compares).
"""

import hashlib
import io
import json
import sqlite3
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from thidua_documents import books, signing
from thidua_documents.documents import KINDS, Kind, Prepared, request_for
from thidua_documents.documents.base import MissingData
from thidua_documents.formatting import PLACEHOLDER, document_number
from thidua_documents.preview import pdf_preview
from thidua_documents.projections import tracked_position
from thidua_documents.rendering import RENDERING_VERSION, CoreProperties, canonical_digest, render, same_document
from thidua_documents.snapshot import Snapshot
from thidua_documents.store import Row, Store, Tx
from thidua_documents.templates import template_bytes, template_version

_COLUMNS = ("document_id, kind, subject, request, issuer_key, issuer_symbol, type_symbol, book, year, number, "
            "number_text, dated, title, position, template_name, template_version, rendering_version, issued_by, "
            "signer, recipients, sha256, canonical_sha256, size, issued_at")

OnNumbered = Callable[[Prepared, str | None], None]
"""Called inside the issuing transaction once the number is known, before the entry is stored:
a new decree records its conferral in the ledger there. Raising stores and numbers nothing."""


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
    book: str | None
    year: int
    number: int | None
    number_text: str | None
    dated: date
    title: str
    position: int
    template_name: str
    template_version: str
    rendering_version: str
    issued_by: str
    signer: str | None
    recipients: list[str]
    sha256: str
    canonical_sha256: str
    size: int
    issued_at: datetime

    @classmethod
    def of(cls, row: Row) -> "Entry":
        values = list(row)
        values[2], values[3], values[19] = json.loads(values[2]), json.loads(values[3]), json.loads(values[19])
        values[11] = date.fromisoformat(values[11])
        values[23] = datetime.fromisoformat(values[23])
        return cls(*values)


@dataclass(frozen=True)
class Draft:
    """A draft and the parts it prints as placeholders: what the clerk must still give."""

    content: bytes
    position: int
    missing: list[str]


@dataclass(frozen=True)
class Regeneration:
    entry: Entry
    sha256: str
    canonical_sha256: str
    content: bytes
    identical: bool
    """The same document: its parts, or their canonical XML; never its zip bytes (zlib builds differ)."""


def _core(prepared: Prepared, draft: bool = False) -> CoreProperties:
    return CoreProperties(title=prepared.title, author=prepared.issuer.name, dated=prepared.dated, draft=draft)


def _unregistered(prepared: Prepared) -> MissingData:
    return MissingData([f"the issuing body {prepared.issuer.name} ({prepared.issuer.key}) is not registered: "
                        "register its symbol and numbering series once (POST /documents/issuing-bodies)"])


def _placeholders(content: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return any(PLACEHOLDER.encode() in archive.read(name) for name in archive.namelist()
                   if name.startswith("word/") and name.endswith(".xml"))


class Register:
    def __init__(self, store: Store, load_template: Callable[[str], bytes] = template_bytes) -> None:
        self.store = store
        self.load_template = load_template  # a seam for tests that change a template

    def _prepare(self, kind: Kind, subject: dict[str, str], request: Any, position: int | None
                 ) -> tuple[Prepared, int, books.Body | None]:
        with self.store.transaction() as tx:
            reached = tracked_position(tx)
            if position is not None and position > reached:
                raise PositionNotReached(position, reached)
            as_of = reached if position is None else position
            prepared = kind.prepare(Snapshot(tx, as_of), subject, request)
            body = books.body(tx, prepared.issuer.key)
            if body is not None and prepared.type_symbol is not None and prepared.issuer.form == "party":
                term = books.missing_term(tx, body.issuer_key, prepared.dated)
                if term is not None:  # a Party book runs per term: without one, nothing can be numbered
                    prepared = replace(prepared, missing=[*prepared.missing, term])
            return prepared, as_of, body

    def draft(self, kind_name: str, subject: dict[str, str], request: Any, position: int | None = None
              ) -> tuple[bytes, int]:
        """The document as of a position (default: the newest), without a number, marked as a
        draft; missing parts show as placeholders; nothing is stored."""
        drafted = self.draft_with_missing(kind_name, subject, request, position)
        return drafted.content, drafted.position

    def draft_with_missing(self, kind_name: str, subject: dict[str, str], request: Any,
                           position: int | None = None) -> Draft:
        """`draft`, with the parts it prints as placeholders (and an unregistered issuing body)."""
        prepared, as_of, body = self._prepare(KINDS[kind_name], subject, request, position)
        symbol = prepared.type_symbol
        number = prepared.recorded_number or (
            document_number(None, symbol, body.symbol if body else PLACEHOLDER,
                            prepared.issuer.form == "party") if symbol else None)
        content = render(self.load_template(prepared.template), prepared.context_with(number),
                         _core(prepared, draft=True))
        missing = list(prepared.missing)
        if body is None and symbol is not None:
            missing += _unregistered(prepared).missing
        return Draft(content, as_of, missing)

    def issue(self, kind_name: str, subject: dict[str, str], request: Any, issued_by: str,
              on_numbered: OnNumbered | None = None, may_issue: Callable[[str], None] | None = None) -> Entry:
        """Number, render and record a document: all of it or, on any error, none of it.
        `may_issue` refuses a writer outside the issuing body's scope, before anything is numbered."""
        kind = KINDS[kind_name]
        prepared, position, _ = self._prepare(kind, subject, request, None)  # MissingData: nothing written
        if may_issue is not None:
            may_issue(prepared.issuer.key)
        if prepared.missing:
            raise MissingData(prepared.missing)  # a numbered document holds no placeholder
        template = self.load_template(prepared.template)
        subject_key = json.dumps(subject, sort_keys=True)
        try:
            return self._issue(kind, subject, subject_key, request, prepared, position, template, issued_by,
                               on_numbered)
        except (sqlite3.IntegrityError, psycopg.errors.UniqueViolation):
            # Two requests for one subject raced past the check: the loser rolled back.
            with self.store.transaction() as tx:
                row = tx.one("SELECT document_id, number_text FROM register_entries WHERE kind = ? "
                             "AND subject = ?", (kind.name, subject_key))
            if row is None:
                raise
            raise AlreadyIssued(kind.name, row[0], row[1]) from None

    def _number(self, tx: Tx, prepared: Prepared) -> tuple[str | None, str | None, int | None, str | None]:
        """(symbol, book, number, number text) from the body's book, or the ledger's own number."""
        if prepared.type_symbol is None:
            return None, None, None, None
        body = books.body(tx, prepared.issuer.key)
        if body is None:
            raise _unregistered(prepared)
        book = books.book_for(tx, body, prepared.type_symbol, prepared.dated, prepared.issuer.form == "party")
        last = books.lock_book(tx, book)
        recorded = prepared.recorded_number
        if recorded is not None:
            number = books.leading_number(recorded)
            if number is not None:
                books.check_number_free(tx, book, number, recorded)
                books.check_in_order(tx, book, number, prepared.dated)
                books.advance_book(tx, book, last, number)
            return body.symbol, book.name, number, recorded
        books.check_in_order(tx, book, None, prepared.dated)
        books.advance_book(tx, book, last, last + 1)
        return body.symbol, book.name, last + 1, document_number(last + 1, prepared.type_symbol, body.symbol,
                                                          prepared.issuer.form == "party")

    def _issue(self, kind: Kind, subject: dict[str, str], subject_key: str, request: Any, prepared: Prepared,
               position: int, template: bytes, issued_by: str, on_numbered: OnNumbered | None) -> Entry:
        version = template_version(template)
        with self.store.transaction(write=True) as tx:
            # Checked under the write lock; UNIQUE (kind, subject) is the backstop.
            issued = tx.one("SELECT document_id, number_text FROM register_entries WHERE kind = ? AND subject = ?",
                            (kind.name, subject_key))
            if issued:
                raise AlreadyIssued(kind.name, issued[0], issued[1])
            symbol, book, number, number_text = self._number(tx, prepared)
            content = render(template, prepared.context_with(number_text), _core(prepared))
            if _placeholders(content):  # a part no rule named: refuse rather than issue a gap
                raise MissingData([f"a part of the {kind.name} left blank that no rule names (please report it)"])
            if on_numbered is not None:
                on_numbered(prepared, number_text)
            entry = Entry(
                document_id=str(uuid.uuid4()), kind=kind.name, subject=subject,
                request=request.model_dump(mode="json"), issuer_key=prepared.issuer.key,
                issuer_symbol=symbol, type_symbol=prepared.type_symbol, book=book,
                year=prepared.dated.year, number=number, number_text=number_text, dated=prepared.dated,
                title=prepared.title, position=position, template_name=prepared.template,
                template_version=version, rendering_version=RENDERING_VERSION, issued_by=issued_by,
                signer=prepared.signer, recipients=list(prepared.recipients),
                sha256=hashlib.sha256(content).hexdigest(), canonical_sha256=canonical_digest(content),
                size=len(content), issued_at=datetime.now(UTC))
            tx.execute("INSERT INTO register_templates VALUES (?, ?, ?) ON CONFLICT (template_version) "
                       "DO NOTHING", (version, prepared.template, template))
            tx.execute(f"INSERT INTO register_entries ({_COLUMNS}, content) VALUES "
                       f"({', '.join('?' * 25)})", (*self._row(entry), content))
        return entry

    @staticmethod
    def _row(entry: Entry) -> tuple[Any, ...]:
        return (entry.document_id, entry.kind, json.dumps(entry.subject, sort_keys=True),
                json.dumps(entry.request, sort_keys=True, ensure_ascii=False), entry.issuer_key,
                entry.issuer_symbol, entry.type_symbol, entry.book, entry.year, entry.number, entry.number_text,
                entry.dated.isoformat(), entry.title, entry.position, entry.template_name,
                entry.template_version, entry.rendering_version, entry.issued_by, entry.signer,
                json.dumps(entry.recipients, ensure_ascii=False), entry.sha256, entry.canonical_sha256,
                entry.size, entry.issued_at.isoformat())

    def get(self, document_id: str) -> Entry | None:
        with self.store.transaction() as tx:
            row = tx.one(f"SELECT {_COLUMNS} FROM register_entries WHERE document_id = ?", (document_id,))
        return Entry.of(row) if row else None

    def entries(self) -> list[Entry]:
        with self.store.transaction() as tx:
            rows = tx.all(f"SELECT {_COLUMNS} FROM register_entries ORDER BY issuer_key, book, year, "
                          "number, issued_at")
        return [Entry.of(row) for row in rows]

    def content(self, document_id: str) -> bytes | None:
        with self.store.transaction() as tx:
            row = tx.one("SELECT content FROM register_entries WHERE document_id = ?", (document_id,))
        return bytes(row[0]) if row else None

    def sign(self, document_id: str, keys: "signing.KeyStore") -> "signing.SignedPdf | None":
        """The issued document as a PDF/A signed with its issuing body's key, recorded with its
        SHA-256 (once: a second call returns the recorded one). None for an unknown document."""
        existing = self.signed(document_id)
        entry = self.get(document_id)
        if existing is not None or entry is None:
            return existing
        content = self.content(document_id) or b""
        if hashlib.sha256(content).hexdigest() != entry.sha256:
            # The file was changed in the store since it was issued: the body's key signs only
            # what the register issued, never bytes someone with access to the database put there.
            raise books.RuleBroken("sign-only-what-was-issued",
                                   f"document {document_id}'s stored file is not the one issued (SHA-256 "
                                   f"{entry.sha256}); regenerate it and restore the issued file")
        key = keys.key_for(entry.issuer_key)  # NoSigningKey before any work
        kind = KINDS[entry.kind]
        with self.store.transaction() as tx:
            prepared = kind.prepare(Snapshot(tx, entry.position), entry.subject,
                                    request_for(entry.kind, entry.request))
        pdf = signing.sign_pdf(pdf_preview(content, pdfa=True, wait=60), key,  # a signing waits its turn
                               signing.signer_name(prepared.context))
        cert = key.signer.signing_cert
        signed_by = cert.subject.human_friendly if cert is not None else ""
        with self.store.transaction(write=True) as tx:
            tx.execute("INSERT INTO register_signed_pdfs VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (document_id) "
                       "DO NOTHING", (document_id, hashlib.sha256(pdf).hexdigest(), len(pdf), signed_by,
                                      datetime.now(UTC).isoformat(), pdf))
        return self.signed(document_id)

    def signed(self, document_id: str) -> "signing.SignedPdf | None":
        with self.store.transaction() as tx:
            row = tx.one("SELECT document_id, sha256, size, signed_by, content FROM register_signed_pdfs "
                         "WHERE document_id = ?", (document_id,))
        return signing.SignedPdf(row[0], row[1], int(row[2]), row[3], bytes(row[4])) if row else None

    def regenerate(self, document_id: str) -> Regeneration | None:
        """Render again from the recorded position, request, number and template version."""
        entry = self.get(document_id)
        if entry is None:
            return None
        kind = KINDS[entry.kind]
        request = request_for(entry.kind, entry.request)
        with self.store.transaction() as tx:
            row = tx.one("SELECT content FROM register_templates WHERE template_version = ?",
                         (entry.template_version,))
            prepared = kind.prepare(Snapshot(tx, entry.position), entry.subject, request)
        template = bytes(row[0])  # type: ignore[index]  # stored with the entry, in one transaction
        content = render(template, prepared.context_with(entry.number_text), _core(prepared))
        identical = same_document(self.content(document_id) or b"", entry.canonical_sha256, content)
        return Regeneration(entry, hashlib.sha256(content).hexdigest(), canonical_digest(content), content, identical)
