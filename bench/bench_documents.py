#!/usr/bin/env python
"""Rendering a decree with 500 recipients: the service's render path against raw docxtpl.

  service  `Register.draft("decree", ...)`: read the decree, its authority, 500 names and
           postings from the projection as of a position (SQLite), build the context,
           render with docxtpl, fix the core properties, rewrite the zip with fixed times.
  raw      `DocxTemplate(template).render(context, autoescape=True)` and `save()` of the
           same template and the same context (the one the service built), nothing else.

The two are timed alternately in one run (ABBA order, so drift and noisy neighbours
weigh on both alike), after a warm-up; docs/s is renders over the total time, and the
ratio of medians is printed too. The memory peak of one render of each is taken with
tracemalloc. Target: the service at least 90% of raw.
The projection is fed synthetic ledger envelopes directly (no ledger needed).

Then issuing with the signed PDF included (`--signed-n`, 0 skips it):

  service  `Register.issue("decree", ...)` (number, render, register) then
           `Register.sign(...)`: LibreOffice to PDF/A-2b, find the signer's line, place
           the signature and seal images, PAdES-sign with the body's key, record the SHA-256.
  raw      docxtpl render and save of the same context, the same LibreOffice conversion
           (`pdf_preview`, PDF/A-2b: both paths need a PDF, and LibreOffice is the only
           converter here), and pyHanko signing it with the same key, an invisible field.
           Target: the service at least 80% of raw. The conversion's share is printed too.

    .venv/bin/python bench/bench_documents.py [--n 20] [--collectives 300] [--individuals 200] [--signed-n 3]
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID, uuid4

from docxtpl import DocxTemplate
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from thidua_documents import books, legal, projections
from thidua_documents.documents import KINDS
from thidua_documents.documents.decree import DecreeRequest
from thidua_documents.formatting import document_number
from thidua_documents.preview import pdf_preview
from thidua_documents.projections import apply_page
from thidua_documents.register import Register
from thidua_documents.settings import Settings
from thidua_documents.signing import KeyStore
from thidua_documents.snapshot import Snapshot
from thidua_documents.store import Store
from thidua_documents.templates import template_bytes
from thidua_documents.testca import make_body_key
from thidua_events.envelope import LedgerEvent
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.awards import AwardConferred, Recipient, RecipientKind
from thidua_events.facts.organisation import AuthorityRegistered, PersonRegistered, UnitRegistered

CLERK = Provenance(actor="Máy đo hiệu năng", role=Role.CLERK)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam", "Ánh", "Yến"]
# A draft: legal bases (catalogue ids) left as the placeholder; the rest as the clerk gives it.
REQUEST = DecreeRequest(proposer="Trưởng phòng Tổ chức cán bộ", award_money="Tiền thưởng theo quy định",
                        executors="Chánh Văn phòng và các đơn vị có tên tại Điều 1")


def world(store: Store, collectives: int, individuals: int) -> UUID:
    """Project the facts of one big decree; returns its id."""
    facts: list[Fact] = []
    start = date(2015, 1, 1)
    ministry, authority, decree = uuid4(), uuid4(), uuid4()
    facts.append(AuthorityRegistered(effective_date=start, authority_id=ministry, name="Bộ Công an", symbol="BCA"))
    facts.append(AuthorityRegistered(effective_date=start, authority_id=authority, name="Công an thành phố Hà Nội",
                                     symbol="CATP", place="Hà Nội", parent_id=ministry))
    units = [uuid4() for _ in range(collectives)]
    for n, unit in enumerate(units):
        facts.append(UnitRegistered(effective_date=start, unit_id=unit, name=f"Đội {n + 1:03d} Phòng Cảnh sát",
                                    authority_id=authority))
    people = [uuid4() for _ in range(individuals)]
    for n, person in enumerate(people):
        name = f"{FAMILY[n % 10]} {MIDDLE[n % 5]} {GIVEN[n % 14]}"
        facts.append(PersonRegistered(effective_date=start, person_id=person, full_name=name, unit_id=units[n % 50],
                                      rank="Thiếu tá", position="Đội trưởng"))
    recipients = [Recipient(kind=RecipientKind.COLLECTIVE, unit_id=u, achievement="Hoàn thành xuất sắc nhiệm vụ")
                  for u in units]
    recipients += [Recipient(kind=RecipientKind.INDIVIDUAL, person_id=p, achievement="Có thành tích xuất sắc")
                   for p in people]
    facts.append(AwardConferred(
        effective_date=date(2020, 1, 15), decree_id=decree, decree_no="15/QĐ-CATP", decree_date=date(2020, 1, 15),
        authority_id=authority, signer="Thiếu tướng Đoàn Ngọc Hùng", signer_title="KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC",
        award_kind="Giấy khen của Giám đốc Công an thành phố Hà Nội", year=2019, recipients=tuple(recipients)))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    events = [LedgerEvent.of(f, CLERK, position=n, entity_id=uuid4(), entity_version=1, recorded_at=now)
              for n, f in enumerate(facts, start=1)]
    apply_page(store, events, len(events))
    return decree


def timed(function: Callable[[], object]) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def peak(function: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    function()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="renders of each, timed alternately")
    parser.add_argument("--collectives", type=int, default=300)
    parser.add_argument("--individuals", type=int, default=200)
    parser.add_argument("--signed-n", type=int, default=3, help="signed issues of each (0: skip)")
    args = parser.parse_args()
    rendering(args)
    if args.signed_n:
        signed(args)


def rendering(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as directory:
        store = Store(Settings(store="sqlite", sqlite_path=Path(directory) / "documents.sqlite"))
        store.migrate()
        decree = world(store, args.collectives, args.individuals)
        documents = Register(store)
        subject = {"decree_id": str(decree)}

        # The raw baseline renders exactly what the service renders: same template, same context.
        with store.transaction() as tx:
            prepared = KINDS["decree"].prepare(Snapshot(tx, projections.tracked_position(tx)), subject, REQUEST)
        context = prepared.context_with(document_number(None, "QĐ", "CATP"))
        template = template_bytes(prepared.template)

        def service() -> bytes:
            return documents.draft("decree", subject, REQUEST)[0]

        def raw() -> bytes:
            document = DocxTemplate(io.BytesIO(template))
            document.render(context, autoescape=True)
            out = io.BytesIO()
            document.save(out)
            return out.getvalue()

        recipients = len(prepared.context["collectives"]) + len(prepared.context["individuals"])
        assert recipients == args.collectives + args.individuals
        size = len(service())
        for _ in range(2):  # warm-up: imports, caches, the SQLite page cache
            service(), raw()
        gc.collect()
        gc.freeze()  # as a long-running service would after start-up; both paths gain alike
        times: dict[str, list[float]] = {"service": [], "raw": []}
        for i in range(args.n):
            order = (("raw", raw), ("service", service)) if i % 2 == 0 else (("service", service), ("raw", raw))
            for name, function in order:
                times[name].append(timed(function))
        peaks = {"service": peak(service), "raw": peak(raw)}

    rate = {name: len(values) / sum(values) for name, values in times.items()}
    print(f"Decree with {recipients} recipients ({args.collectives} collectives, {args.individuals} individuals), "
          f"{size / 1024:.0f} KiB .docx, {args.n} renders each, SQLite projection")
    print(f"{'path':<10}{'docs/s':>10}{'best ms':>10}{'median ms':>12}{'p95 ms':>10}{'peak MiB':>11}")
    for name in ("raw", "service"):
        values = sorted(times[name])
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"{name:<10}{rate[name]:>10.2f}{values[0] * 1000:>10.1f}{statistics.median(values) * 1000:>12.1f}"
              f"{p95 * 1000:>10.1f}{peaks[name] / 2**20:>11.1f}")
    ratio = rate["service"] / rate["raw"]
    medians = statistics.median(times["raw"]) / statistics.median(times["service"])
    best = min(times["raw"]) / min(times["service"])
    print(f"service / raw throughput: {ratio:.1%} (of medians {medians:.1%}, of best renders {best:.1%}; "
          f"target at least 90%: {'met' if ratio >= 0.9 else 'NOT met'})")


def signed(args: argparse.Namespace) -> None:
    n = args.signed_n
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        store = Store(Settings(store="sqlite", sqlite_path=folder / "documents.sqlite"))
        store.migrate()
        decrees = worlds(store, args.collectives, args.individuals, 2 * n + 2)
        documents = Register(store)
        with store.transaction(write=True) as tx:
            authority = tx.one("SELECT authority_id FROM proj_authorities WHERE symbol = 'CATP'")[0]  # type: ignore[index]
            books.register_body(tx, f"authority:{authority}", "CATP", books.Series.PER_TYPE, CLERK.actor)
            law = legal.register_instrument(tx, title="Luật Thi đua, khen thưởng", number="15/2003/QH11",
                                            issued_on=date(2003, 11, 26), about=None,
                                            in_force_from=date(2004, 7, 1), in_force_to=None, actor=CLERK.actor)
        issuing = REQUEST.model_copy(update={"legal_basis_ids": [law.instrument_id]})
        keys = KeyStore(folder / "keys")
        make_body_key(folder / "keys", f"authority:{authority}", "Công an thành phố Hà Nội")
        key = keys.key_for(f"authority:{authority}")
        subject = {"decree_id": str(decrees[0])}
        with store.transaction() as tx:
            prepared = KINDS["decree"].prepare(Snapshot(tx, projections.tracked_position(tx)), subject, REQUEST)
        context = prepared.context_with(document_number(1, "QĐ", "CATP"))
        template = template_bytes(prepared.template)
        pending = iter(decrees)
        stages: dict[str, list[float]] = {"render": [], "convert": [], "sign": []}

        def service() -> bytes:
            entry = documents.issue("decree", {"decree_id": str(next(pending))}, issuing, CLERK.actor)
            return documents.sign(entry.document_id, keys).content  # type: ignore[union-attr]

        def raw() -> bytes:
            began = time.perf_counter()
            document = DocxTemplate(io.BytesIO(template))
            document.render(context, autoescape=True)
            out = io.BytesIO()
            document.save(out)
            converting = time.perf_counter()
            pdf = pdf_preview(out.getvalue(), pdfa=True)
            sign_began = time.perf_counter()
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            signed_out = io.BytesIO()
            signers.PdfSigner(signers.PdfSignatureMetadata(field_name="Signature", subfilter=SigSeedSubFilter.PADES),
                              signer=key.signer).sign_pdf(writer, output=signed_out)
            ended = time.perf_counter()
            stages["render"].append(converting - began)
            stages["convert"].append(sign_began - converting)
            stages["sign"].append(ended - sign_began)
            return signed_out.getvalue()

        service(), raw()  # warm-up: LibreOffice's first start, imports
        for values in stages.values():
            values.clear()
        times: dict[str, list[float]] = {"service": [], "raw": []}
        for i in range(n):
            order = (("raw", raw), ("service", service)) if i % 2 == 0 else (("service", service), ("raw", raw))
            for name, function in order:
                times[name].append(timed(function))
    rate = {name: len(values) / sum(values) for name, values in times.items()}
    convert = statistics.median(stages["convert"])
    print(f"\nIssuing the decree with its signed PDF ({args.collectives + args.individuals} recipients), "
          f"{n} of each, timed alternately")
    print(f"{'path':<10}{'docs/s':>10}{'median s':>10}")
    for name in ("raw", "service"):
        print(f"{name:<10}{rate[name]:>10.3f}{statistics.median(times[name]):>10.2f}")
    print("raw stages, median s: " + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in stages.items()))
    ratio = rate["service"] / rate["raw"]
    without = ((statistics.median(times["raw"]) - convert) / (statistics.median(times["service"]) - convert))
    print(f"service / raw throughput: {ratio:.1%} (target at least 80%: {'met' if ratio >= 0.8 else 'NOT met'}); "
          f"without LibreOffice's conversion (its median taken off both): {without:.1%}")


def worlds(store: Store, collectives: int, individuals: int, count: int) -> list[UUID]:
    """`count` decrees of the same authority, each to the same recipients."""
    first = world(store, collectives, individuals)
    with store.transaction() as tx:
        row = tx.one("SELECT payload, position FROM proj_awards WHERE award_id = ?", (str(first),))
    fact = AwardConferred.model_validate_json(row[0])  # type: ignore[index]
    position = int(row[1])  # type: ignore[index]
    ids = [first]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(1, count):
        decree = uuid4()
        copy = fact.model_copy(update={"decree_id": decree, "decree_no": f"{15 + n}/QĐ-CATP"})
        event = LedgerEvent.of(copy, CLERK, position=position + n, entity_id=uuid4(), entity_version=1,
                               recorded_at=now)
        apply_page(store, [event], position + n)
        ids.append(decree)
    return ids


if __name__ == "__main__":
    main()
