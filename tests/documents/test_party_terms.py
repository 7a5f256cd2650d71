"""A Party body's books (Hướng dẫn 36-HD/VPTW) run per document type per term (nhiệm kỳ) of its
committee, from 01 at each term's start, not on 1 January; its terms are registered by the
clerk and never overlap; a date outside every term has no book. State bodies keep their
calendar-year books. On both stores, through the books the register numbers from."""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from threading import Barrier

import pytest
from fastapi.testclient import TestClient
from thidua_documents import books
from thidua_documents.books import RuleBroken, Series
from thidua_documents.settings import Settings
from thidua_documents.store import Store, Tx
from thidua_ledger import scenario
from thidua_ledger.demo_documents import issue_demo

from tests.documents import requests
from tests.documents.conftest import Docs, open_docs
from tests.documents.demo import MINUTES, open_demo
from tests.documents.requests import cluster_year
from tests.documents.world import World, build_world

PARTY, STATE = "cluster:party", "authority:state"


@pytest.fixture
def store(any_store: Settings) -> Store:
    store = Store(any_store)
    store.migrate()
    with store.transaction(write=True) as tx:
        books.register_body(tx, PARTY, "VPĐU", Series.PER_TYPE, "clerk")
        books.register_body(tx, STATE, "CATP", Series.PER_TYPE, "clerk")
    return store


def take(tx: Tx, issuer_key: str, type_symbol: str, dated: str, party: bool) -> int:
    """The next number, taken as the register takes it."""
    body = books.body(tx, issuer_key)
    assert body is not None
    book = books.book_for(tx, body, type_symbol, date.fromisoformat(dated), party)
    last = books.lock_book(tx, book)
    books.check_in_order(tx, book, None, date.fromisoformat(dated))
    books.advance_book(tx, book, last, last + 1)
    return last + 1


def terms(store: Store, *spans: tuple[str, str | None]) -> None:
    with store.transaction(write=True) as tx:
        for starts, ends in spans:
            books.register_term(tx, PARTY, date.fromisoformat(starts), date.fromisoformat(ends) if ends else None,
                                "clerk")


def test_party_numbers_restart_at_a_new_term_not_on_1_january(store: Store) -> None:
    terms(store, ("2015-10-01", "2020-09-30"), ("2020-10-01", None))
    with store.transaction(write=True) as tx:
        numbers = [take(tx, PARTY, "BB", day, party=True) for day in
                   ("2019-12-30", "2020-01-02", "2020-09-30", "2020-10-01", "2021-01-04")]
    assert numbers == [1, 2, 3, 1, 2]


def test_party_books_run_per_document_type(store: Store) -> None:
    terms(store, ("2015-10-01", None))
    with store.transaction(write=True) as tx:
        numbers = [take(tx, PARTY, kind, "2017-05-01", party=True) for kind in ("BB", "BC", "BB", "NQ")]
    assert numbers == [1, 1, 2, 1]


@pytest.mark.parametrize("day", ["2015-09-30", "2020-10-01"])  # the day before the first, the day after the last
def test_a_party_document_dated_outside_every_term_is_refused(store: Store, day: str) -> None:
    terms(store, ("2015-10-01", "2020-09-30"))
    with store.transaction(write=True) as tx, pytest.raises(RuleBroken) as refused:
        take(tx, PARTY, "BB", day, party=True)
    assert refused.value.rule == "party-book-runs-per-term"
    with store.transaction(write=True) as tx:  # the near miss: the term's own first and last days
        assert [take(tx, PARTY, "BB", d, party=True) for d in ("2015-10-01", "2020-09-30")] == [1, 2]


def test_a_party_body_with_no_registered_term_numbers_nothing(store: Store) -> None:
    with store.transaction(write=True) as tx, pytest.raises(RuleBroken, match="no registered term") as refused:
        take(tx, PARTY, "BB", "2017-05-01", party=True)
    assert refused.value.rule == "party-book-runs-per-term"


@pytest.mark.parametrize(("starts", "ends"), [
    ("2020-09-30", None),  # shares the last day of the first term
    ("2014-01-01", "2015-10-01"),  # ends on its first day
    ("2016-01-01", "2017-01-01"),  # inside it
])
def test_party_terms_never_overlap(store: Store, starts: str, ends: str | None) -> None:
    terms(store, ("2015-10-01", "2020-09-30"))
    with pytest.raises(RuleBroken) as refused:
        terms(store, (starts, ends))
    assert refused.value.rule == "party-terms-never-overlap"
    terms(store, ("2020-10-01", None))  # the near miss: the next day begins the next term
    with pytest.raises(RuleBroken) as refused:  # an open term reaches every later day
        terms(store, ("2025-10-01", None))
    assert refused.value.rule == "party-terms-never-overlap"


def test_a_party_term_ends_after_it_starts(store: Store) -> None:
    with pytest.raises(RuleBroken) as refused:
        terms(store, ("2020-10-01", "2020-09-30"))
    assert refused.value.rule == "party-term-ends-after-it-starts"
    terms(store, ("2020-10-01", "2020-10-01"))  # a one-day term is a term


def test_state_bodies_still_restart_on_1_january_and_need_no_term(store: Store) -> None:
    with store.transaction(write=True) as tx:
        numbers = [take(tx, STATE, "QĐ", day, party=False) for day in ("2019-12-20", "2019-12-30", "2020-01-02")]
    assert numbers == [1, 2, 1]


def test_the_demo_s_party_documents_stay_drafts_listing_the_missing_term(tmp_path: Path) -> None:
    """No article states a term of the Party offices cluster's committee: none is invented, so its
    numbered minutes stay a draft whose missing parts name the term; the State bodies' issue."""
    for docs in open_demo(tmp_path):
        outcomes = {o.path.split("/clusters/")[1]: o for o in issue_demo(docs.client)}
        party = outcomes[f"{scenario.cluster_id('cum-vp-du')}/years/2017/pledge-minutes"]
        assert not party.issued and party.number is None
        assert [m for m in party.missing if m.startswith("party-book-runs-per-term:")], party.missing
        state = outcomes[f"{scenario.cluster_id('cum-4')}/years/2016/review-minutes"]
        assert not any("term" in m for m in state.missing), state.missing  # the near miss: State books need none


def test_the_clerk_registers_a_party_body_s_terms_through_the_api(tmp_path: Path) -> None:
    for docs in open_demo(tmp_path):
        issue_demo(docs.client)
        key, path = f"cluster:{scenario.cluster_id('cum-vp-du')}", \
            f"/documents/clusters/{scenario.cluster_id('cum-vp-du')}/years/2017/pledge-minutes"
        outside = docs.client.post(f"/documents/issuing-bodies/{key}/terms", json={"starts_on": "2018-01-01"})
        assert outside.status_code == 201, outside.text
        refused = docs.client.post(path, json=MINUTES)
        assert refused.status_code == 422
        assert any(m.startswith("party-book-runs-per-term:") for m in refused.json()["missing"])
        overlapping = docs.client.post(f"/documents/issuing-bodies/{key}/terms",
                                       json={"starts_on": "2015-10-01", "ends_on": "2018-01-01"})
        assert (overlapping.status_code, overlapping.json()["rule"]) == (409, "party-terms-never-overlap")
        assert docs.client.post(f"/documents/issuing-bodies/{key}/terms",
                                json={"starts_on": "2015-10-01", "ends_on": "2017-12-31"}).status_code == 201
        # In a term now: the term is no longer missing (the articles leave other parts to the clerk).
        within = docs.client.post(path, json=MINUTES)
        assert within.status_code == 422 and within.json()["missing"]
        assert not any(m.startswith("party-book-runs-per-term:") for m in within.json()["missing"])
        unknown = docs.client.post("/documents/issuing-bodies/cluster:nobody/terms", json={"starts_on": "2015-10-01"})
        assert unknown.status_code == 404 and "cluster:nobody" in unknown.json()["detail"]


@pytest.fixture
def party_docs(any_store: Settings, ledger: TestClient) -> Iterator[tuple[Docs, World]]:
    """The test world with its cluster under an authority that issues in the Party's form."""
    world = build_world(ledger, form="party")
    for docs in open_docs(any_store, ledger, world):
        yield docs, world


def test_a_party_body_s_documents_are_numbered_per_type_per_term_through_the_register(
        party_docs: tuple[Docs, World]) -> None:
    docs, world = party_docs
    key, year = f"cluster:{world.cluster}", cluster_year(world)
    minutes = (f"{year}/review-minutes", requests.review_minutes())
    refused = docs.client.post(minutes[0], json=minutes[1])
    assert refused.status_code == 422
    assert any(m.startswith("party-book-runs-per-term:") for m in refused.json()["missing"])
    assert docs.client.get("/documents").json() == []  # nothing numbered, nothing stored
    for term in ({"starts_on": "2015-10-01", "ends_on": "2019-06-30"}, {"starts_on": "2019-07-01"}):
        assert docs.client.post(f"/documents/issuing-bodies/{key}/terms", json=term).status_code == 201
    numbers = [docs.client.post(path, json=body).json().get("number") for path, body in (
        (f"{year}/pledge-minutes", requests.pledge_minutes()), minutes,
        (f"{year}/flag-handover-minutes", requests.flag_minutes()), (f"{year}/report", requests.report()))]
    # January's pledge minutes in the first term; the year-end minutes in the second, from 01
    # again within the same calendar year; BB and BC apart.
    assert numbers == ["01-BB/CTĐ4", "01-BB/CTĐ4", "02-BB/CTĐ4", "01-BC/CTĐ4"]
    books_of = {(d["number"], d["year"]) for d in docs.client.get("/documents").json()}
    assert ("01-BB/CTĐ4", 2019) in books_of


def test_an_open_party_term_is_given_its_end_once_and_keeps_its_documents(store: Store) -> None:
    terms(store, ("2015-10-01", None))
    start = date(2015, 10, 1)
    with store.transaction(write=True) as tx:
        books.close_term(tx, PARTY, start, date(2020, 9, 30))
    terms(store, ("2020-10-01", None))  # once ended, a later term can begin
    for ends_on, rule in ((date(2021, 1, 1), "party-term-ended-once"), (date(2020, 9, 29), "party-term-ended-once")):
        with store.transaction(write=True) as tx, pytest.raises(RuleBroken) as refused:
            books.close_term(tx, PARTY, start, ends_on)
        assert refused.value.rule == rule
    with store.transaction(write=True) as tx, pytest.raises(RuleBroken) as refused:
        books.close_term(tx, PARTY, date(2020, 10, 1), date(2020, 9, 1))
    assert refused.value.rule == "party-term-ends-after-it-starts"


def test_a_term_cannot_end_before_a_document_numbered_in_it(party_docs: tuple[Docs, World]) -> None:
    docs, world = party_docs
    key, year = f"cluster:{world.cluster}", cluster_year(world)
    opened = docs.client.post(f"/documents/issuing-bodies/{key}/terms", json={"starts_on": "2015-10-01"})
    assert opened.status_code == 201
    assert docs.client.post(f"{year}/pledge-minutes", json=requests.pledge_minutes()).json()["number"] == "01-BB/CTĐ4"
    dated = next(d["dated"] for d in docs.client.get("/documents").json())
    end = f"/documents/issuing-bodies/{key}/terms/2015-10-01/end"
    early = docs.client.post(end, json={"ends_on": "2018-12-31"})
    assert (early.status_code, early.json()["rule"]) == (409, "party-term-holds-its-documents")
    ended = docs.client.post(end, json={"ends_on": dated})  # the near miss: the document's own day
    assert ended.status_code == 200, ended.text
    assert ended.json()["ends_on"] == dated


def test_overlapping_terms_registered_at_once_are_kept_apart(store: Store) -> None:
    gate = Barrier(2)

    def register(starts: str) -> str:
        gate.wait()
        try:
            terms(store, (starts, None))
        except RuleBroken as broken:
            return broken.rule
        return "registered"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(register, ("2015-10-01", "2016-01-01")))
    assert outcomes == ["party-terms-never-overlap", "registered"]


def test_a_body_registered_twice_at_once_is_refused_by_its_rule(any_store: Settings) -> None:
    """The second registration, which read before the first committed, meets the table's unique
    key: a refusal naming the rule, not a database error (a 500). SQLite's writers queue."""
    store = Store(any_store)
    store.migrate()

    def register_second() -> str:
        try:
            with store.transaction(write=True) as tx:
                books.register_body(tx, "cluster:twice", "CTĐ9", Series.PER_TYPE, "clerk 2")
        except RuleBroken as broken:
            return broken.rule
        return "registered"

    with ThreadPoolExecutor(1) as pool:
        with store.transaction(write=True) as first:
            books.register_body(first, "cluster:twice", "CTĐ9", Series.PER_TYPE, "clerk 1")
            second = pool.submit(register_second)
            time.sleep(0.5)  # the second has read no body and waits on the key (PostgreSQL)
        assert second.result() == "issuing-body-registered-once"
    with store.transaction() as tx:
        assert [b.registered_by for b in books.bodies(tx) if b.issuer_key == "cluster:twice"] == ["clerk 1"]
