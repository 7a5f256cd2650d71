"""The published contract: checked-in JSON Schemas that match the models, and changes that
break old payloads only with a new version and an upcaster."""

import json
import shutil
from collections.abc import Collection
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from thidua_events.asyncapi import asyncapi_document
from thidua_events.compatibility import breaking_changes
from thidua_events.facts import FACTS
from thidua_events.schemas import SCHEMAS_DIR, contract_problems, fact_problems, file_name, generate
from thidua_events.topics import AWARD_TYPES, AWARDS_TOPIC, EVENTS_TOPIC

# The checked-in files


def test_checked_in_schemas_and_asyncapi_match_the_models() -> None:
    changed, refusals = generate(check=True)
    assert not changed, f"out of date: {changed}; run `python -m thidua_events.schemas` and commit"
    assert not refusals


def test_no_fact_type_breaks_its_published_schema() -> None:
    problems = [problem for fact_type in FACTS.values() for problem in fact_problems(fact_type)]
    assert not problems, "\n".join(problems)


def test_every_schema_file_belongs_to_a_released_version_of_a_fact_type() -> None:
    for path in SCHEMAS_DIR.glob("*.json"):
        name, version = path.name.removesuffix(".json").split(".v")
        assert name in FACTS, f"{path.name}: no such fact type (a removed type breaks stored events)"
        assert int(version) <= FACTS[name].version, f"{path.name}: newer than the model"


def test_the_generator_refuses_to_overwrite_a_released_schema_with_a_breaking_one(tmp_path: Path) -> None:
    for path in SCHEMAS_DIR.glob("*.json"):
        shutil.copy(path, tmp_path)
    released = tmp_path / file_name("AwardConferred", 1)
    schema = json.loads(released.read_text())
    schema["properties"]["decree_kind"] = {"type": "string"}  # v1 had a field today's model lacks
    released.write_text(json.dumps(schema))

    changed, refusals = generate(tmp_path, tmp_path / "asyncapi.yaml", check=False)

    assert any("AwardConferred v1 changed incompatibly" in r and "decree_kind: field removed" in r
               for r in refusals), refusals
    assert "AwardConferred.v1.json" not in changed
    assert json.loads(released.read_text())["properties"]["decree_kind"] == {"type": "string"}


def test_asyncapi_lists_both_topics_and_references_every_schema() -> None:
    document = asyncapi_document()
    channels = {c["address"]: c for c in document["channels"].values()}
    assert set(channels[EVENTS_TOPIC]["messages"]) == set(FACTS)
    assert set(channels[AWARDS_TOPIC]["messages"]) == set(AWARD_TYPES)
    for name, message in document["components"]["messages"].items():
        if name in FACTS:
            assert (SCHEMAS_DIR.parent / message["payload"]["$ref"]).exists()


# The compatibility checker, on small models: old payloads must stay valid.


class Kind(StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"


class Wide(StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"
    FOREIGN = "foreign"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class V1(Strict):
    decree_no: Annotated[str, Field(max_length=300)]
    year: int
    kind: Kind
    note: str | None = None


def breaks(new: type[BaseModel], old: type[BaseModel] = V1) -> list[str]:
    return breaking_changes(old.model_json_schema(), new.model_json_schema())


def test_an_additive_optional_field_is_compatible() -> None:
    class V2(V1):
        signer_title: str | None = None

    assert breaks(V2) == []


def test_a_new_required_field_breaks() -> None:
    class V2(V1):
        signer: str

    assert breaks(V2) == ["$.signer: new required field"]


def test_a_removed_field_breaks_when_extra_fields_are_forbidden() -> None:
    class V2(Strict):
        decree_no: Annotated[str, Field(max_length=300)]
        year: int
        kind: Kind

    assert breaks(V2) == ["$.note: field removed"]


def test_a_changed_type_breaks() -> None:
    class V2(Strict):
        decree_no: Annotated[str, Field(max_length=300)]
        year: str
        kind: Kind
        note: str | None = None

    assert breaks(V2) == ["$.year: type integer changed to string"]


def test_an_optional_field_that_becomes_required_breaks() -> None:
    class V2(Strict):
        decree_no: Annotated[str, Field(max_length=300)]
        year: int
        kind: Kind
        note: str

    assert breaks(V2) == ["$.note: optional field became required", "$.note: type null changed to string"]


def test_widening_is_compatible_and_narrowing_breaks() -> None:
    class Wider(Strict):
        decree_no: Annotated[str, Field(max_length=1000)]
        year: float | None = None
        kind: Wide
        note: str | None = None

    class Narrower(Strict):
        decree_no: Annotated[str, Field(max_length=30)]
        year: int
        kind: Kind
        note: str | None = None

    assert breaks(Wider) == []
    assert breaks(Narrower) == ["$.decree_no: maxLength tightened from 300 to 30"]
    assert breaks(V1, old=Wider) == [
        "$.year: optional field became required",
        "$.decree_no: maxLength tightened from 1000 to 300",
        "$.year: type number changed to integer",
        "$.year: type null changed to integer",
        "$.kind: allowed values narrowed from {collective, foreign, individual} to {collective, individual}",
    ]


def test_a_change_inside_a_nested_model_is_found_with_its_path() -> None:
    class Recipient(Strict):
        unit_id: str

    class Recipient2(Strict):
        unit_id: int

    class Decree(Strict):
        recipients: tuple[Recipient, ...]

    class Decree2(Strict):
        recipients: tuple[Recipient2, ...]

    assert breaks(Decree2, old=Decree) == ["$.recipients[].unit_id: type string changed to integer"]


def test_recursive_models_are_compared_without_looping() -> None:
    class Criterion(Strict):
        code: str
        children: tuple["Criterion", ...] = ()

    class Criterion2(Strict):
        code: str
        children: tuple["Criterion2", ...] = ()
        weight: int | None = None

    assert breaks(Criterion2, old=Criterion) == []


# The policy: a break is allowed only with a new version, an upcaster, and the old schema kept.


OLD, NEW = V1.model_json_schema(), V1.model_json_schema()
NEW_BREAKING = {**NEW, "required": [*NEW["required"], "signer"],
                "properties": {**NEW["properties"], "signer": {"type": "string"}}}


def policy(generated: dict[str, Any], version: int, stored: dict[int, Any],
           upcasters: Collection[int] = ()) -> list[str]:
    return contract_problems("Decree", version, generated, stored=stored.get,
                             has_upcaster=lambda v: v in upcasters)


def test_a_breaking_change_without_a_new_version_is_refused() -> None:
    problems = policy(NEW_BREAKING, version=1, stored={1: OLD})
    assert len(problems) == 1
    assert "Decree v1 changed incompatibly ($.signer: new required field)" in problems[0]
    assert "set version = 2 and register an upcaster from v1" in problems[0]


def test_a_new_version_without_an_upcaster_is_refused() -> None:
    assert policy(NEW_BREAKING, version=2, stored={1: OLD}) == ["Decree v1: no upcaster to v2"]


def test_a_new_version_must_keep_the_previous_schema() -> None:
    assert policy(NEW_BREAKING, version=2, stored={}, upcasters={1}) == [
        "Decree v1: its schema must stay checked in"]


def test_a_new_version_with_its_upcaster_is_accepted() -> None:
    assert policy(NEW_BREAKING, version=2, stored={1: OLD}, upcasters={1}) == []
    assert policy(NEW_BREAKING, version=2, stored={1: OLD, 2: NEW_BREAKING}, upcasters={1}) == []


def test_a_compatible_change_needs_no_new_version() -> None:
    additive = {**NEW, "properties": {**NEW["properties"], "signer_title": {"type": "string"}}}
    assert policy(additive, version=1, stored={1: OLD}) == []


@pytest.mark.parametrize("fact_type", sorted(FACTS), ids=str)
def test_every_published_schema_is_compatible_with_itself(fact_type: str) -> None:
    schema = json.loads((SCHEMAS_DIR / file_name(fact_type, FACTS[fact_type].version)).read_text())
    assert breaking_changes(schema, schema) == []
