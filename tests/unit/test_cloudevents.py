"""The Kafka form of a ledger event: CloudEvents 1.0, binary mode, and what a consumer may refuse."""

import json
import re
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest
from thidua_events.cloudevents import InvalidMessage, from_kafka, partition_key, to_kafka
from thidua_events.envelope import LedgerEvent
from thidua_events.facts import Fact, Provenance, Role
from thidua_events.facts.awards import AwardConferred, Recipient, RecipientKind
from thidua_events.facts.organisation import UnitRegistered
from thidua_events.versions import UPCASTERS

CLUSTER, UNIT, DECREE, AUTHORITY = uuid4(), uuid4(), uuid4(), uuid4()
RECORDED = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
CLERK = Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK, source_ref="05/QĐ-BCA")


def conferred(cluster_id: Any = CLUSTER) -> AwardConferred:
    return AwardConferred(effective_date=date(2020, 1, 20), decree_id=DECREE, decree_no="05/QĐ-BCA",
                          decree_date=date(2020, 1, 20), authority_id=AUTHORITY, signer="Bộ trưởng",
                          award_kind="Cờ thi đua của Bộ Công an", year=2019, cluster_id=cluster_id,
                          recipients=(Recipient(kind=RecipientKind.COLLECTIVE, unit_id=UNIT),))


def event_of(fact: Fact, entity_id: Any = DECREE, provenance: Provenance = CLERK) -> LedgerEvent:
    return LedgerEvent.of(fact, provenance, position=42, entity_id=entity_id, entity_version=1,
                          recorded_at=RECORDED)


def headers_of(event: LedgerEvent) -> dict[str, str]:
    return {name: value.decode() for name, value in to_kafka(event)[2]}


def test_headers_carry_the_cloudevents_attributes() -> None:
    headers = headers_of(event_of(conferred()))
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_id"] == f"{DECREE}:1"
    assert headers["ce_source"] == "/thidua/ledger"
    assert headers["ce_type"] == "vn.thidua.ledger.AwardConferred.v1"
    assert headers["ce_time"] == "2026-03-01T08:30:15.123456+00:00"
    assert headers["ce_subject"] == str(DECREE)
    assert headers["content-type"] == "application/json"


def test_both_clocks_and_the_provenance_travel_as_extension_attributes() -> None:
    headers = headers_of(event_of(conferred()))
    assert headers["ce_effectivedate"] == "2020-01-20"
    assert headers["ce_position"] == "42"
    assert (headers["ce_actor"], headers["ce_actorrole"], headers["ce_sourceref"]) == (
        "Nguyễn Thị Thư ký", "clerk", "05/QĐ-BCA")
    assert "ce_reason" not in headers  # absent, not empty


def test_extension_names_are_lowercase_letters_and_digits() -> None:
    names = [name for name in headers_of(event_of(conferred())) if name.startswith("ce_")]
    assert all(re.fullmatch(r"ce_[a-z0-9]{1,20}", name) for name in names), names


def test_the_value_is_the_fact_as_json() -> None:
    event = event_of(conferred())
    _, value, _ = to_kafka(event)
    assert json.loads(value) == event.data
    assert "Cờ thi đua" in value.decode()  # UTF-8, not \u escapes


def test_the_key_is_the_cluster_when_the_fact_names_one() -> None:
    assert to_kafka(event_of(conferred()))[0] == str(CLUSTER).encode()


def test_the_key_is_the_entity_when_the_fact_names_no_cluster() -> None:
    assert partition_key(event_of(conferred(cluster_id=None))) == str(DECREE)
    unit = UnitRegistered(effective_date=date(2016, 1, 1), unit_id=UNIT, name="Phòng PV01",
                          authority_id=AUTHORITY)
    assert partition_key(event_of(unit, entity_id=UNIT)) == str(UNIT)


def test_a_given_key_overrides_the_default_and_is_also_a_header() -> None:
    key, _, headers = to_kafka(event_of(conferred()), key="other")
    assert key == b"other"
    assert ("ce_partitionkey", b"other") in headers


def test_an_event_survives_the_round_trip() -> None:
    reason = Provenance(actor="Trần Văn Kiểm", role=Role.AUDITOR, reason="Sửa lỗi\nnhập liệu")
    for event in (event_of(conferred()), event_of(conferred(cluster_id=None), provenance=reason)):
        _, value, headers = to_kafka(event)
        assert from_kafka(headers, value) == event


def test_the_id_is_stable_when_the_same_event_is_published_again() -> None:
    event = event_of(conferred())
    assert headers_of(event)["ce_id"] == headers_of(event_of(conferred()))["ce_id"]


def _message(**changes: Any) -> tuple[list[tuple[str, bytes]], bytes | None]:
    _, value, headers = to_kafka(event_of(conferred()))
    as_dict = dict(headers)
    for name, new in changes.items():
        name = name.replace("content_type", "content-type")
        if name == "value":
            value = new
        elif new is None:
            as_dict.pop(name)
        else:
            as_dict[name] = new.encode() if isinstance(new, str) else new
    return list(as_dict.items()), value


@pytest.mark.parametrize(("changes", "reason"), [
    ({"ce_type": None}, "missing headers: ce_type"),
    ({"ce_specversion": "0.3"}, "ce_specversion '0.3' is not 1.0"),
    ({"content_type": "application/avro"}, "is not application/json"),
    ({"ce_type": "com.example.Thing.v1"}, "is not vn.thidua.ledger.<Type>.v<N>"),
    ({"ce_type": "vn.thidua.ledger.AwardGranted.v1"}, "unknown fact type 'AwardGranted'"),
    ({"ce_type": "vn.thidua.ledger.AwardConferred.v9"}, "newer than this contract"),
    ({"ce_id": "not-an-id"}, "is not '<ce_subject>:<entity version>'"),
    ({"ce_time": "yesterday"}, "bad attribute"),
    ({"ce_actorrole": "king"}, "bad attribute"),
    ({"ce_actor": b"\xff\xfe"}, "header ce_actor is not UTF-8"),
    ({"value": b"{not json"}, "value is not JSON"),
    ({"value": b"[1, 2]"}, "value is JSON list, not an object"),
    ({"value": None}, "no value"),
    ({"value": b'{"effective_date": "2020-01-20"}'}, "data is not a valid AwardConferred v1"),
    ({"ce_effectivedate": "2020-01-21"}, "differs from the data's 2020-01-20"),
])
def test_a_message_that_breaks_the_contract_is_refused_with_its_reason(changes: dict[str, Any],
                                                                     reason: str) -> None:
    headers, value = _message(**changes)
    with pytest.raises(InvalidMessage, match=re.escape(reason)):
        from_kafka(headers, value)


def test_an_older_version_is_upcast_to_the_current_model(monkeypatch: pytest.MonkeyPatch) -> None:
    old = event_of(conferred())
    _, value, headers = to_kafka(old)  # sent as v1, by an older ledger
    # Pretend today's contract is v2, whose upcaster from v1 fills in the signer's title.
    monkeypatch.setattr(AwardConferred, "version", 2)
    monkeypatch.setitem(UPCASTERS, ("AwardConferred", 1),
                        lambda payload: {**payload, "signer_title": "KT. BỘ TRƯỞNG"})
    event = from_kafka(headers, value)
    assert (event.type, event.version) == ("AwardConferred", 2)
    assert event.data["signer_title"] == "KT. BỘ TRƯỞNG"
    assert event.id == old.id


def test_an_older_version_without_its_upcaster_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _, value, headers = to_kafka(event_of(conferred()))
    monkeypatch.setattr(AwardConferred, "version", 2)
    with pytest.raises(InvalidMessage, match="no upcaster for AwardConferred from v1"):
        from_kafka(headers, value)
