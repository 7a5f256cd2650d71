"""Legal bases come from a catalogue of instruments registered once; a document cites them by
id, and cannot cite one dated after it or not in force on its date. On both stores."""

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any
from uuid import uuid4

from thidua_documents.books import RuleBroken
from thidua_documents.legal import register_instrument

from tests.documents import requests
from tests.documents.conftest import Docs
from tests.documents.reading import open_docx
from tests.documents.world import World

TT_12 = {"title": "Thông tư", "number": "12/2019/TT-BCA", "issued_on": "2019-05-29",
         "about": "của Bộ trưởng Bộ Công an quy định công tác thi đua, khen thưởng trong Công an nhân dân"}


def instrument(docs: Docs, **body: Any) -> str:
    response = docs.client.post("/documents/legal-instruments", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["instrument_id"])


def cite(docs: Docs, world: World, *ids: str) -> Any:
    return docs.client.post(f"/documents/decrees/{world.decree_2016}",
                            json=requests.decree(world, legal_basis_ids=list(ids)))


def test_the_clerk_picks_instruments_by_id_and_they_print_as_citations(docs: Docs, world: World) -> None:
    listed = docs.client.get("/documents/legal-instruments").json()
    assert [i["number"] for i in listed] == ["15/2003/QH11"]
    assert listed[0]["citation"] == "Căn cứ Luật Thi đua, khen thưởng số 15/2003/QH11 ngày 26 tháng 11 năm 2003"
    issued = cite(docs, world, world.law)
    assert issued.status_code == 201, issued.text
    doc = open_docx(docs.client.get(f"/documents/{issued.json()['document_id']}/file").content)
    bases = [p.text for p in doc.paragraphs if p.text.startswith("Căn cứ")]
    assert bases == ["Căn cứ Luật Thi đua, khen thưởng số 15/2003/QH11 ngày 26 tháng 11 năm 2003;"]


def test_an_instrument_is_registered_once(docs_any_store: Docs) -> None:
    docs = docs_any_store
    instrument(docs, **TT_12)
    again = docs.client.post("/documents/legal-instruments", json={**TT_12, "title": "Thông tư (bản khác)"})
    assert again.status_code == 409 and again.json()["rule"] == "legal-instrument-registered-once"
    instrument(docs, **{**TT_12, "number": "12/2019/TT-BCA-X"})  # the near miss: another number
    backwards = docs.client.post("/documents/legal-instruments", json={
        **TT_12, "number": "13/2019/TT-BCA", "in_force_from": "2019-07-15", "in_force_to": "2019-07-01"})
    assert backwards.status_code == 422


def test_a_document_cannot_cite_an_instrument_dated_after_it(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store  # the decree is dated 20-12-2016
    later = instrument(docs, **TT_12)
    response = cite(docs, world, world.law, later)
    assert response.status_code == 409 and response.json()["rule"] == "legal-basis-precedes-document"
    assert docs.client.get("/documents").json() == []
    same_day = instrument(docs, title="Quyết định", number="01/QĐ-TEST", issued_on="2016-12-20")
    assert cite(docs, world, same_day).status_code == 201  # the near miss: dated the same day


def test_a_document_cannot_cite_an_instrument_not_in_force_on_its_date(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    repealed = instrument(docs, title="Thông tư", number="40/2014/TT-TEST", issued_on="2014-09-01",
                          in_force_to="2016-12-19")
    response = cite(docs, world, repealed)
    assert response.status_code == 409 and response.json()["rule"] == "legal-basis-in-force"
    not_yet = instrument(docs, title="Luật", number="99/2016/QH-TEST", issued_on="2016-06-01",
                         in_force_from="2017-01-01")
    assert cite(docs, world, not_yet).json()["rule"] == "legal-basis-in-force"
    last_day = instrument(docs, title="Thông tư", number="41/2014/TT-TEST", issued_on="2014-09-01",
                          in_force_to="2016-12-20")
    assert cite(docs, world, last_day).status_code == 201  # the near miss: its last day in force


def test_an_unknown_instrument_or_free_text_basis_is_bad_input(docs: Docs, world: World) -> None:
    response = cite(docs, world, world.law, str(uuid4()))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "legal_basis_ids", 1]
    typed = docs.client.post(f"/documents/decrees/{world.decree_2016}",
                             json={**requests.decree(world), "legal_bases": ["Căn cứ A"]})
    assert typed.status_code == 422 and typed.json()["detail"][0]["loc"] == ["body", "legal_bases"]
    assert docs.client.get("/documents").json() == []


def test_legal_instrument_in_force_span_names_in_force_to(docs_any_store: Docs) -> None:
    """Ending before it starts is bad input: 422 naming in_force_to, nothing registered."""
    docs = docs_any_store
    body = {**TT_12, "in_force_from": "2019-07-15", "in_force_to": "2019-07-14"}
    registered = docs.client.get("/documents/legal-instruments").json()
    answer = docs.client.post("/documents/legal-instruments", json=body)
    assert answer.status_code == 422, answer.text
    assert [tuple(e["loc"]) for e in answer.json()["detail"]] == [("body", "in_force_to")]
    assert docs.client.get("/documents/legal-instruments").json() == registered
    # near miss: in force for its one day only
    instrument(docs, **{**body, "in_force_to": "2019-07-15"})


def test_one_number_in_another_case_or_spacing_is_the_same_instrument(docs_any_store: Docs) -> None:
    """Two entries for one instrument would let documents cite it under two spellings."""
    docs = docs_any_store
    instrument(docs, **TT_12)
    for spelling in ("12/2019/tt-bca", "12/2019/TT-bca", " 12/2019/TT-BCA\u3000"):
        again = docs.client.post("/documents/legal-instruments", json={**TT_12, "number": spelling})
        assert again.status_code == 409 and again.json()["rule"] == "legal-instrument-registered-once", spelling


def test_an_instrument_registered_twice_at_once_is_refused_by_its_rule(docs_any_store: Docs) -> None:
    """The second, which read before the first committed, meets the unique key: a refusal by
    rule, not a database error (a 500). SQLite's writers queue."""
    store = docs_any_store.store

    def register_second() -> str:
        try:
            with store.transaction(write=True) as tx:
                register_instrument(tx, title="Thông tư", number="99/2019/TT-BCA", issued_on=date(2019, 5, 29),
                                    about=None, in_force_from=None, in_force_to=None, actor="clerk 2")
        except RuleBroken as broken:
            return broken.rule
        return "registered"

    with ThreadPoolExecutor(1) as pool:
        with store.transaction(write=True) as first:
            register_instrument(first, title="Thông tư", number="99/2019/TT-BCA", issued_on=date(2019, 5, 29),
                                about=None, in_force_from=None, in_force_to=None, actor="clerk 1")
            second = pool.submit(register_second)
            time.sleep(0.5)  # the second has read no such number and waits on the key (PostgreSQL)
        assert second.result() == "legal-instrument-registered-once"
