"""The published JSON Schemas carry the models' rules: what the contract's decoder refuses,
a standard validator (jsonschema, draft 2020-12) refuses too; each schema has an `$id`, and
each CloudEvent names it as its `dataschema`."""

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from thidua_events.cloudevents import InvalidMessage, dataschema, from_kafka, to_kafka
from thidua_events.envelope import LedgerEvent
from thidua_events.facts import FACTS, Provenance, Role
from thidua_events.schemas import stored_schema
from thidua_events.versions import decode_fact

VALID: dict[str, dict[str, Any]] = {
    "AuthorityRegistered": {"effective_date": "2015-01-01", "authority_id": str(uuid4()),
                            "name": "Công an thành phố Hà Nội", "symbol": "CATP"},
    "AwardConferred": {"effective_date": "2020-01-20", "decree_id": str(uuid4()), "decree_no": "05/QĐ-BCA",
                       "decree_date": "2020-01-20", "authority_id": str(uuid4()), "signer": "Bộ trưởng",
                       "award_kind": "Cờ thi đua của Bộ Công an", "year": 2019,
                       "recipients": [{"kind": "collective", "unit_id": str(uuid4())}]},
    "LeadershipElected": {"effective_date": "2019-12-05", "cluster_id": str(uuid4()), "year": 2019,
                          "for_year": 2020, "leader_unit_id": str(uuid4())},
    "PledgeDrafted": {"effective_date": "2019-01-10", "cluster_id": str(uuid4()), "year": 2019,
                      "title": "Giao ước thi đua năm 2019"},
}


def decoder_accepts(type_name: str, payload: dict[str, Any]) -> bool:
    try:
        decode_fact(type_name, 1, payload)
    except ValidationError:
        return False
    return True


def schema_accepts(type_name: str, payload: dict[str, Any]) -> bool:
    schema = stored_schema(type_name, 1)
    assert schema is not None
    return jsonschema.Draft202012Validator(schema).is_valid(payload)


@pytest.mark.parametrize(("type_name", "change"), [
    pytest.param("AuthorityRegistered", {"name": ""}, id="empty name"),
    pytest.param("AuthorityRegistered", {"name": " \t "}, id="blank name"),
    pytest.param("AuthorityRegistered", {"symbol": "catp"}, id="lower-case symbol"),
    pytest.param("AuthorityRegistered", {"symbol": "CA TP"}, id="symbol with a space"),
    pytest.param("AuthorityRegistered", {"name": "Công an\x07 Hà Nội"}, id="a control character"),
    pytest.param("AuthorityRegistered", {"name": "Công an\u200bHà Nội"}, id="a format character"),
    pytest.param("AwardConferred", {"recipients": [{"kind": "collective"}]}, id="a collective without unit_id"),
    pytest.param("AwardConferred", {"recipients": [{"kind": "collective", "unit_id": str(uuid4()),
                                                    "person_id": str(uuid4())}]}, id="a collective with a person"),
    pytest.param("AwardConferred", {"decree_no": ""}, id="an empty decree number"),
    pytest.param("LeadershipElected", {"for_year": 2021}, id="a wrong election year"),
    pytest.param("LeadershipElected", {"for_year": 2019}, id="an election for the same year"),
    pytest.param("PledgeDrafted", {"content": "Điều 1\n\tĐiều\x0b2"}, id="a control character inside a note"),
])
def test_a_payload_the_decoder_refuses_is_refused_by_the_published_schema(
        type_name: str, change: dict[str, Any]) -> None:
    payload = {**VALID[type_name], **change}
    assert not decoder_accepts(type_name, payload)
    assert not schema_accepts(type_name, payload)


@pytest.mark.parametrize(("type_name", "change"), [
    pytest.param("AuthorityRegistered", {}, id="as it is"),
    pytest.param("AuthorityRegistered", {"name": "\t Công an thành phố Hà Nội \n"}, id="spaces around a name"),
    pytest.param("AuthorityRegistered", {"symbol": "Đ-01"}, id="a symbol with Đ and a hyphen"),
    pytest.param("AuthorityRegistered", {"symbol": " CATP\n"}, id="spaces around a symbol"),
    pytest.param("AwardConferred", {"recipients": [{"kind": "individual", "person_id": str(uuid4())}]},
                 id="an individual"),
    pytest.param("LeadershipElected", {"year": 2099, "for_year": 2100}, id="the last election"),
    pytest.param("PledgeDrafted", {"content": "Điều 1\r\n\tĐiều 2: thi đua \n\n"}, id="lines in a note"),
])
def test_the_near_misses_pass_both(type_name: str, change: dict[str, Any]) -> None:
    payload = {**VALID[type_name], **change}
    assert decoder_accepts(type_name, payload)
    assert schema_accepts(type_name, payload)


# Characters at the edges of the rules, and any others.
_TRICKY = st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1f\x7f\x85\xa0\xad\u1680\u2028\u200b\u202f\u3000\ufeff"
                               "\ue000\U000e0001\U000f0000aAzĐđ-1. "))
_TEXT = st.text(st.one_of(_TRICKY, st.characters(exclude_categories=("Cs",))), max_size=12)


@settings(max_examples=400, deadline=None)
@given(field=st.sampled_from([("AuthorityRegistered", "name"), ("AuthorityRegistered", "symbol"),
                              ("PledgeDrafted", "content"), ("AwardConferred", "decree_no")]),
       text=_TEXT)
def test_the_schema_and_the_decoder_agree_on_any_text(field: tuple[str, str], text: str) -> None:
    type_name, name = field
    payload = {**VALID[type_name], name: text}
    assert schema_accepts(type_name, payload) == decoder_accepts(type_name, payload), repr(text)


def test_every_schema_has_an_id_that_names_its_type_and_version() -> None:
    ids = set()
    for name, fact_type in FACTS.items():
        schema = stored_schema(name, fact_type.version)
        assert schema is not None and schema["$id"] == dataschema(name, fact_type.version)
        ids.add(schema["$id"])
    assert len(ids) == len(FACTS)


def _event() -> LedgerEvent:
    fact = decode_fact("AwardConferred", 1, VALID["AwardConferred"])
    return LedgerEvent.of(fact, Provenance(actor="Nguyễn Thị Thư ký", role=Role.CLERK), position=7,
                          entity_id=uuid4(), entity_version=1, recorded_at=datetime(2020, 1, 20, tzinfo=UTC))


def test_each_cloudevent_names_its_schema_as_dataschema() -> None:
    event = _event()
    _, value, headers = to_kafka(event)
    assert dict(headers)["ce_dataschema"].decode() == stored_schema("AwardConferred", 1)["$id"]  # type: ignore[index]
    assert from_kafka(headers, value) == event


def test_a_message_naming_another_schema_is_refused_and_one_naming_none_is_read() -> None:
    event = _event()
    _, value, headers = to_kafka(event)
    wrong = [(k, dataschema("AwardRevoked", 1).encode() if k == "ce_dataschema" else v) for k, v in headers]
    with pytest.raises(InvalidMessage, match="ce_dataschema"):
        from_kafka(wrong, value)
    published_before = [(k, v) for k, v in headers if k != "ce_dataschema"]
    assert from_kafka(published_before, value) == event
