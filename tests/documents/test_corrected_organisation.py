"""A correction of a unit's or a person's registration reaches the documents: the ledger folds
the fact in force, and a document printed after the correction must print the corrected name,
never the one the clerk put right (a retraction likewise leaves the fact out)."""

from typing import Any
from uuid import uuid4

from tests.documents import requests as full
from tests.documents.conftest import Docs
from tests.documents.reading import open_docx
from tests.documents.test_corrections import _events
from tests.documents.test_year_documents import all_text
from tests.documents.world import CLERK, World

CORRECT_UNIT = "Phòng Kỹ thuật hậu cần"
CORRECT_PERSON = "Nguyễn Văn Ân"


def _record(world: World, fact: str, **body: Any) -> None:
    response = world.client.post(f"/facts/{fact}", json=body, headers=CLERK)
    assert response.status_code == 201, response.text


def _decree_2016(docs: Docs, world: World) -> str:
    docs.sync()
    response = docs.client.post(f"/documents/decrees/{world.decree_2016}/draft", json=full.decree(world))
    assert response.status_code == 200, response.text
    return all_text(open_docx(response.content))


def test_a_corrected_unit_name_prints_as_corrected(docs_any_store: Docs, world: World) -> None:
    assert "Phòng Hậu cần" in _decree_2016(docs_any_store, world)
    unit = world.units["hau_can"]
    _record(world, "FactCorrected", effective_date="2016-12-21", original=f"{unit}:1",
            replacement_type="UnitRegistered", replacement={
                "effective_date": "2015-01-01", "unit_id": unit, "name": CORRECT_UNIT,
                "authority_id": world.authority},
            reason="Đăng ký nhầm tên đơn vị")
    text = _decree_2016(docs_any_store, world)
    assert CORRECT_UNIT in text and "Phòng Hậu cần" not in text, text


def test_a_corrected_person_name_prints_as_corrected(docs_any_store: Docs, world: World) -> None:
    person = world.people["an"]
    assert "Nguyễn Văn An" in _decree_2016(docs_any_store, world)
    _record(world, "FactCorrected", effective_date="2016-12-21", original=f"{person}:1",
            replacement_type="PersonRegistered", replacement={
                "effective_date": "2015-01-01", "person_id": person, "full_name": CORRECT_PERSON,
                "unit_id": world.units["hau_can"], "rank": "Thiếu tá", "position": "Phó Trưởng phòng"},
            reason="Ghi nhầm họ tên")
    text = _decree_2016(docs_any_store, world)
    assert CORRECT_PERSON in text and "Nguyễn Văn An" not in text, text


def test_a_retracted_membership_is_no_longer_printed(docs_any_store: Docs, world: World) -> None:
    unit = str(uuid4())
    _record(world, "UnitRegistered", effective_date="2015-01-01", unit_id=unit, name="Phòng Cảnh sát cơ động",
            authority_id=world.authority)
    _record(world, "UnitJoined", effective_date="2015-01-01", cluster_id=world.cluster, unit_id=unit)
    path = f"{full.cluster_year(world)}/pledge/draft"
    docs_any_store.sync()
    assert "PHÒNG CẢNH SÁT CƠ ĐỘNG" in all_text(open_docx(docs_any_store.client.post(path, json=full.pledge()).content))
    joined = next(e for e in _events(world, "UnitJoined") if e["data"]["unit_id"] == unit)
    _record(world, "FactRetracted", effective_date="2016-01-01", original=joined["id"],
            reason="Đơn vị không thuộc cụm")
    docs_any_store.sync()
    response = docs_any_store.client.post(path, json=full.pledge())
    assert response.status_code == 200, response.text
    assert "PHÒNG CẢNH SÁT CƠ ĐỘNG" not in all_text(open_docx(response.content))
