"""The web's forms are built from the contract's models: every fact kind has one, labelled in
Vietnamese, with ids picked from lists, dates typed dd/mm/yyyy, and nested lists as rows."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import FormData
from thidua_events.facts import FACTS
from thidua_events.facts.year import CriteriaAdopted, Criterion, ScoreRecorded
from thidua_ledger.api.new_ids import NEW_IDS
from thidua_ledger.domain.year import year_id
from thidua_web.clients import Invalid
from thidua_web.forms import NEW_ID_FIELDS, fact_specs, parse_date, raw_from_data, read_form, year_entity_id
from thidua_web.forms.form import ledger_errors
from thidua_web.forms.values import body_from_raw, vn_date_text
from thidua_web.pages.record import grouped, recordable

CLUSTER, UNIT, OTHER = str(uuid4()), str(uuid4()), str(uuid4())


def _leaves(specs):  # type: ignore[no-untyped-def]
    for spec in specs:
        yield spec
        yield from _leaves(spec.children())


def test_every_fact_kind_but_corrections_has_a_form_listed_in_a_group() -> None:
    listed = [kind for _, kinds in grouped() for kind in kinds]
    assert sorted(k.type_name() for k in listed) == sorted(k.type_name() for k in recordable())
    assert {"FactCorrected", "FactRetracted"} & {k.type_name() for k in listed} == set()
    assert len(listed) == len(FACTS) - 2


@pytest.mark.parametrize("kind", recordable(), ids=lambda k: k.type_name())
def test_each_form_labels_every_field_with_its_contract_title_and_types_no_id(kind) -> None:  # type: ignore[no-untyped-def]
    specs = fact_specs(kind)
    for spec in _leaves(specs):
        assert spec.title and spec.title != spec.key, f"{kind.type_name()}.{spec.key} has no Vietnamese label"
        if spec.key.endswith(("_id", "_ids")) and spec.key != "token_id":  # a token's jti is text, no entity
            assert spec.widget in ("pick", "picks"), f"{kind.type_name()}.{spec.key} would be typed as an id"
    assert NEW_ID_FIELDS.get(kind.type_name()) not in {s.key for s in specs}
    assert [s.key for s in specs][:2] == ["effective_date", "date_precision"]


def test_the_ids_left_to_the_ledger_are_the_ones_it_makes() -> None:
    assert {kind.type_name(): name for kind, name in NEW_IDS.items()} == NEW_ID_FIELDS


def test_the_year_entity_id_is_the_ledgers() -> None:
    cluster = uuid4()
    assert year_entity_id(str(cluster), 2019) == year_id(cluster, 2019)


def test_dates_are_typed_day_month_year() -> None:
    assert parse_date("14/11/2019") == date(2019, 11, 14)
    assert parse_date("4/1/2019") == date(2019, 1, 4)
    assert parse_date("2019-11-14") == date(2019, 11, 14)
    assert parse_date("31/02/2019") is None  # the near miss: no such day
    assert parse_date("11/14/2019") is None


@given(st.dates(min_value=date(1945, 1, 1), max_value=date(2100, 12, 31)))
def test_any_day_shown_in_a_form_reads_back_as_that_day(day: date) -> None:
    assert parse_date(vn_date_text(day.isoformat())) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day  # without leading zeros too


def _form(**fields: str | list[str]) -> FormData:
    items = [(k, v) for k, value in fields.items() for v in (value if isinstance(value, list) else [value])]
    return FormData([(k.replace("__", "."), v) for k, v in items])


def test_a_score_form_becomes_the_ledgers_body() -> None:
    raw, body, errors = read_form(ScoreRecorded, _form(
        effective_date="14/11/2019", date_precision="day", cluster_id=CLUSTER, year="2019", unit_id=UNIT,
        criterion_code="1.1", points="9,5", kind="self", scored_by_unit_id="", reason="", source_ref=""))
    assert errors == {}
    assert body == {"effective_date": "2019-11-14", "date_precision": "day", "cluster_id": CLUSTER, "year": 2019,
                    "unit_id": UNIT, "criterion_code": "1.1", "points": "9.5", "kind": "self"}
    ScoreRecorded.model_validate(body | {"score_id": str(uuid4())})
    assert raw["points"] == "9,5"  # what the clerk typed is what the form shows again


def test_a_value_that_cannot_be_sent_stays_with_its_error_beside_its_field() -> None:
    raw, _, errors = read_form(ScoreRecorded, _form(effective_date="14-13-2019", points="chín", year="2019"))
    assert set(errors) == {"effective_date", "points"}
    assert raw["effective_date"] == "14-13-2019"


def test_rows_keep_their_order_and_blank_rows_are_left_out() -> None:
    _, body, errors = read_form(CriteriaAdopted, _form(
        effective_date="01/03/2019", cluster_id=CLUSTER, year="2019",
        criteria__0__code="1", criteria__0__title="Công tác xây dựng lực lượng", criteria__0__max_points="20",
        criteria__0__children__0__code="1.1", criteria__0__children__0__title="Chính trị tư tưởng",
        criteria__0__children__0__max_points="10",
        criteria__1__code="", criteria__1__title="", criteria__1__max_points="",
        criteria__2__code="2", criteria__2__title="Công tác chuyên môn", criteria__2__max_points="80"))
    assert errors == {}
    assert [c["code"] for c in body["criteria"]] == ["1", "2"]
    assert body["criteria"][0]["children"][0]["code"] == "1.1"
    adopted = CriteriaAdopted.model_validate(body)
    assert adopted.criteria[0].children[0].max_points == Decimal("10")


def test_a_recorded_fact_reads_back_into_its_form_unchanged() -> None:
    fact = CriteriaAdopted(effective_date=date(2019, 3, 1), cluster_id=uuid4(), year=2019, criteria=(
        Criterion(code="1", title="Xây dựng lực lượng", max_points=Decimal("20"), children=(
            Criterion(code="1.1", title="Chính trị", max_points=Decimal("10.5")),)),))
    data = fact.model_dump(mode="json")
    body, errors = body_from_raw(fact_specs(CriteriaAdopted), raw_from_data(fact_specs(CriteriaAdopted), data))
    assert errors == {}
    assert CriteriaAdopted.model_validate(body) == fact


def test_a_422_of_the_ledger_lands_on_the_field_it_names_in_vietnamese() -> None:
    refusal = Invalid("invalid", {"detail": [
        {"loc": ["body", "deputy_unit_id"], "msg": "Value error, leader and deputy must be different units",
         "type": "value_error"},
        {"loc": ["body", "recipients", 0, "unit_id"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "points"], "msg": "Input should be less than or equal to 100", "type": "less_than_equal",
         "ctx": {"le": 100}}]})
    found = ledger_errors(refusal)
    assert found["recipients.0.unit_id"] == ["Chưa nhập."]
    assert found["points"] == ["Không được quá 100."]
    assert "leader and deputy" in found["deputy_unit_id"][0]


def test_every_fact_of_the_articles_reads_into_its_form_and_back_unchanged() -> None:
    """What a correction's form starts from: the recorded fact, field by field, and what it
    sends back when the clerk changes nothing (conferences, officials and all)."""
    from thidua_ledger.scenario import article_facts

    for fact, _ in article_facts():
        specs = fact_specs(type(fact))
        body, errors = body_from_raw(specs, raw_from_data(specs, fact.model_dump(mode="json")))
        assert errors == {}, (fact.type_name(), errors)
        made = NEW_ID_FIELDS.get(fact.type_name())
        if made:
            body[made] = str(getattr(fact, made))
        assert type(fact).model_validate(body) == fact, fact.type_name()
