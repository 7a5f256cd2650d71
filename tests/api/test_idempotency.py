"""Idempotency-Key: a retried POST returns the first receipt and records nothing twice."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent
from fastapi.testclient import TestClient
from thidua_events.facts import Provenance, Role
from thidua_events.facts.organisation import UnitRegistered
from thidua_ledger.application import Ledger
from thidua_ledger.domain.errors import LedgerError
from thidua_ledger.idempotency import KeptReceipt, first_receipt
from thidua_ledger.migrations.database import Database

from tests.api.conftest import ADMIN, AUDITOR, CLERK, bearer
from tests.api.test_recording import head, post, setup_cluster

WRITER = Provenance(actor="Trần Văn Thư ký", role=Role.CLERK)


def keyed(key: str, headers: dict[str, str] = CLERK) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


def test_a_retried_post_with_the_same_key_returns_the_first_receipt_and_records_once(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    body = {"effective_date": "2016-01-01", "name": "Phòng Tham mưu", "authority_id": ids["authority"]}
    first = post(client, "UnitRegistered", body, keyed("unit-tham-muu-1"))
    assert first.status_code == 201, first.text
    after_first = head(client)
    retried = post(client, "UnitRegistered", body, keyed("unit-tham-muu-1"))
    assert retried.status_code == 201
    assert retried.json() == first.json()  # the server-made id too: not a second unit
    assert head(client) == after_first
    names = [e["data"].get("name") for e in client.get("/log?limit=1000", headers=AUDITOR).json()["events"]
             if e["type"] == "UnitRegistered"]
    assert names.count("Phòng Tham mưu") == 1


def test_the_same_key_with_another_body_is_refused_by_rule(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    body = {"effective_date": "2016-01-01", "name": "Phòng Tham mưu", "authority_id": ids["authority"]}
    assert post(client, "UnitRegistered", body, keyed("k-1")).status_code == 201
    before = head(client)
    other = post(client, "UnitRegistered", {**body, "name": "Phòng Tham mưu 2"}, keyed("k-1"))
    assert other.status_code == 409
    assert other.json()["rule"] == "idempotency-key-names-one-request"
    other_type = post(client, "ClusterFormed", body, keyed("k-1"))  # the same body as another fact
    assert other_type.status_code == 409
    assert head(client) == before


def test_keys_are_kept_per_actor_and_a_new_key_records_again(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    body = {"effective_date": "2016-01-01", "name": "Cụm thi đua số 9", "authority_id": ids["authority"]}
    mine = post(client, "ClusterFormed", body, keyed("same"))
    admins = post(client, "ClusterFormed", body, keyed("same", ADMIN))  # another actor's key of the same name
    fresh = post(client, "ClusterFormed", body, keyed("other"))
    assert {mine.status_code, admins.status_code, fresh.status_code} == {201}
    assert len({mine.json()["entity_id"], admins.json()["entity_id"], fresh.json()["entity_id"]}) == 3


def test_a_refused_post_keeps_no_key_and_may_be_retried(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    body = {"effective_date": "2099-01-01", "name": "Phòng tương lai", "authority_id": ids["authority"]}
    refused = post(client, "UnitRegistered", body, keyed("k-future"))
    assert refused.status_code == 409 and refused.json()["rule"] == "effective-date-not-in-future"
    accepted = post(client, "UnitRegistered", {**body, "effective_date": "2016-01-01"}, keyed("k-future"))
    assert accepted.status_code == 201


def test_an_idempotency_key_is_bounded(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    body = {"effective_date": "2016-01-01", "name": "Phòng X", "authority_id": ids["authority"]}
    for bad in ("", "k" * 201):
        response = post(client, "UnitRegistered", body, keyed(bad))
        assert response.status_code == 422
        assert "Idempotency-Key" in response.json()["detail"][0]["loc"]
    reader = post(client, "UnitRegistered", body, keyed("k", bearer(Role.AUDITOR)))
    assert reader.status_code == 403


@pytest.mark.parametrize("bad", ["\x00", "key\x00", "a\x01b", "tab\tkey", "\x7f", "kh\xf3a"])
def test_an_idempotency_key_outside_visible_ascii_is_refused_naming_the_header(client: TestClient,
                                                                               bad: str) -> None:
    """A key is a structured-field string (printable ASCII, as the IETF draft has it). NUL was
    a 500 on PostgreSQL, which holds no NUL in text, and a recorded fact then had no receipt."""
    ids = setup_cluster(client, members=1)
    body = {"effective_date": "2016-01-01", "name": "Phòng Y", "authority_id": ids["authority"]}
    before = head(client)
    response = client.post("/facts/UnitRegistered", json=body,
                           headers={**CLERK, "Idempotency-Key": bad.encode("latin-1")})  # type: ignore[dict-item]
    assert response.status_code == 422, response.text
    assert ["header", "Idempotency-Key"] in [error["loc"] for error in response.json()["detail"]]
    assert head(client) == before  # nothing recorded
    assert post(client, "UnitRegistered", body, keyed("khoa-1 ~!")).status_code == 201  # the near miss


class CrashAfterFact(KeptReceipt):
    """A process that dies after the fact is written and before its receipt is."""

    def write(self, db: Database, inserted: Sequence[tuple[int, StoredEvent]]) -> None:
        raise RuntimeError("the process died here")


def _unit_fact(authority: str, name: str) -> UnitRegistered:
    return UnitRegistered(effective_date=date(2016, 1, 1), unit_id=uuid4(), name=name, authority_id=UUID(authority))


def test_the_receipt_is_kept_in_the_facts_own_transaction(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    ledger: Ledger = client.app.state.ledger  # type: ignore[attr-defined]
    before = ledger.position()
    with pytest.raises(RuntimeError):  # a crash between fact and receipt...
        ledger.record(_unit_fact(ids["authority"], "Phòng Hậu cần"), WRITER, along=CrashAfterFact("a", "k", "h"))
    assert ledger.position() == before  # ...leaves neither: the retry records it once
    kept = KeptReceipt("a", "k", "h", {"unit_id": "x"})
    receipt = ledger.record(_unit_fact(ids["authority"], "Phòng Hậu cần"), WRITER, along=kept)
    assert first_receipt(ledger.recorder, "a", "k", "h") == {
        "entity_id": str(receipt.entity_id), "version": receipt.version, "position": receipt.position,
        "ids": {"unit_id": "x"}}


def test_a_racing_retry_whose_key_was_kept_first_stores_nothing(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    ledger: Ledger = client.app.state.ledger  # type: ignore[attr-defined]
    ledger.record(_unit_fact(ids["authority"], "Phòng Hậu cần"), WRITER, along=KeptReceipt("a", "k", "h"))
    before = ledger.position()
    # Both passed the look-up before either wrote: the second's receipt breaks the key's uniqueness.
    with pytest.raises(LedgerError):
        ledger.record(_unit_fact(ids["authority"], "Phòng Kho vận"), WRITER, along=KeptReceipt("a", "k", "h"))
    assert ledger.position() == before
    assert ledger.record(_unit_fact(ids["authority"], "Phòng Kho vận"), WRITER,
                         along=KeptReceipt("a", "k-2", "h")).position > before
