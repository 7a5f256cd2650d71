"""Every integer and date parameter has a stated range; outside it the answer is a 422 naming
the parameter, never a 500 (positions 0..2^53-1, years 1945..2100; thidua_events.bounds)."""

from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_events.bounds import MAX_POSITION

from tests.api.conftest import ADMIN, AUDITOR
from tests.api.test_recording import post, setup_cluster

TOO_FAR = 2**63  # overflowed SQLite before the bound
CLUSTER = str(uuid4())


def refused_naming(response: object, where: str, name: str) -> bool:
    body = response.json()  # type: ignore[attr-defined]
    return response.status_code == 422 and [where, name] in [error["loc"] for error in body["detail"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "name"), [
    ("/log?after={n}", "after"),
    ("/awards?known_at={n}", "known_at"),
    (f"/clusters/{CLUSTER}/years/2019?known_at={{n}}", "known_at"),
    (f"/clusters/{CLUSTER}/years/2019/record?known_at={{n}}", "known_at"),
    (f"/clusters/{CLUSTER}/years/2019/standings?known_at={{n}}", "known_at"),
    (f"/entities/{CLUSTER}/events?known_at={{n}}", "known_at"),
])
def test_a_position_beyond_the_logs_range_is_refused_naming_the_parameter(
        client: TestClient, path: str, name: str) -> None:
    assert refused_naming(client.get(path.format(n=TOO_FAR), headers=AUDITOR), "query", name)
    assert refused_naming(client.get(path.format(n=MAX_POSITION + 1), headers=AUDITOR), "query", name)
    assert client.get(path.format(n=MAX_POSITION), headers=AUDITOR).status_code in (200, 404)  # the near miss


@pytest.mark.parametrize("year", [0, 1944, 2101, 10000, TOO_FAR])
@pytest.mark.parametrize("route", ["", "/record", "/standings"])
def test_a_year_outside_1945_to_2100_is_refused_naming_the_year(client: TestClient, year: int, route: str) -> None:
    assert refused_naming(client.get(f"/clusters/{CLUSTER}/years/{year}{route}", headers=AUDITOR), "path", "year")


def test_the_first_and_last_years_are_answered(client: TestClient) -> None:
    for year in (1945, 2100):
        assert client.get(f"/clusters/{CLUSTER}/years/{year}", headers=AUDITOR).status_code == 404
        assert client.get(f"/awards?year={year}", headers=AUDITOR).status_code == 200
    assert refused_naming(client.get("/awards?year=2101", headers=AUDITOR), "query", "year")


def test_an_expected_version_beyond_the_range_is_refused_naming_it(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    response = post(client, "UnitRenamed", {"effective_date": "2016-01-01", "unit_id": ids["units"][0],
                                            "name": "Phòng mới", "expected_version": TOO_FAR})
    assert refused_naming(response, "body", "expected_version")


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_a_moment_at_the_edge_of_the_calendar_is_answered(client: TestClient, moment: str) -> None:
    ids = setup_cluster(client, members=1)
    response = client.get(f"/clusters/{ids['cluster']}/years/2019", params={"known_at_time": moment},
                          headers=AUDITOR)
    assert response.status_code == (200 if moment.startswith("9999") else 404)  # after everything; before


def test_both_clocks_at_once_is_a_422_in_the_documented_shape(client: TestClient) -> None:
    response = client.get(f"/clusters/{CLUSTER}/years/2019?known_at=1&known_at_time=2020-01-01T00:00:00Z",
                          headers=AUDITOR)
    assert refused_naming(response, "query", "known_at_time")
    assert response.json()["detail"][0]["msg"] == "give known_at or known_at_time, not both"


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_a_number_json_cannot_hold_is_refused_naming_the_field_not_a_500(client: TestClient, number: str) -> None:
    """Python's JSON parser reads `1e999` as infinity and `NaN` as itself; the 422 that echoes
    the refused input must still be JSON (it was a 500: JSON has neither)."""
    body = f'{{"effective_date": "2019-01-15", "authority_id": "{uuid4()}", "symbol": "X", "name": {number}}}'
    answer = client.post("/facts/AuthorityRegistered", content=body,
                         headers={**ADMIN, "content-type": "application/json"})
    assert answer.status_code == 422
    assert any(error["loc"] == ["body", "name"] for error in answer.json()["detail"])
    whole = client.post("/facts/AuthorityRegistered", content=number,
                        headers={**ADMIN, "content-type": "application/json"})
    assert whole.status_code == 422 and whole.json()["detail"][0]["loc"] == ["body"]


@pytest.mark.parametrize("name", ["\\ud800", "Ph\\udfffòng", "\\udc00\\ud800"])
def test_a_lone_surrogate_in_a_name_is_refused_naming_the_field_not_a_500(client: TestClient, name: str) -> None:
    """JSON may spell half of a UTF-16 pair as an escape; Python reads it as a lone surrogate,
    which no UTF-8 text can hold. The 422 echoing it must still be written (it was a 500)."""
    body = f'{{"effective_date": "2019-01-15", "authority_id": "{uuid4()}", "symbol": "X", "name": "{name}"}}'
    answer = client.post("/facts/AuthorityRegistered", content=body,
                         headers={**ADMIN, "content-type": "application/json"})
    assert refused_naming(answer, "body", "name"), answer.text
    keyed = client.post("/facts/AuthorityRegistered", content=body.replace('"name"', '"reason": "x", "name"'),
                        headers={**ADMIN, "content-type": "application/json", "Idempotency-Key": "k1"})
    assert refused_naming(keyed, "body", "name"), keyed.text


@pytest.mark.parametrize("field", ["reason", "source_ref"])
def test_a_lone_surrogate_in_a_note_is_refused_naming_it(client: TestClient, field: str) -> None:
    body = (f'{{"effective_date": "2019-01-15", "authority_id": "{uuid4()}", "symbol": "X", "name": "Bộ",'
            f' "{field}": "l\\ud800"}}')
    answer = client.post("/facts/AuthorityRegistered", content=body,
                         headers={**ADMIN, "content-type": "application/json"})
    assert refused_naming(answer, "body", field), answer.text


def test_a_lone_surrogate_as_a_key_of_the_body_is_refused_not_a_500(client: TestClient) -> None:
    body = f'{{"effective_date": "2019-01-15", "authority_id": "{uuid4()}", "symbol": "X", "name": "B", "\\ud800": 1}}'
    answer = client.post("/facts/AuthorityRegistered", content=body,
                         headers={**ADMIN, "content-type": "application/json"})
    assert answer.status_code == 422, answer.text


@pytest.mark.parametrize("spelled", [True, "1", 1.5])
def test_an_expected_version_that_is_no_json_integer_is_refused_naming_it(client: TestClient, spelled: object) -> None:
    """JSON's true or a string is no version: pydantic's lax mode read each as 1. The near
    miss: 1.0 is (JSON Schema's integer, which the OpenAPI publishes)."""
    ids = setup_cluster(client, members=1)
    response = post(client, "UnitRenamed", {"effective_date": "2016-01-01", "unit_id": ids["units"][0],
                                            "name": "Phòng mới", "expected_version": spelled})
    assert refused_naming(response, "body", "expected_version")
    near_miss = post(client, "UnitRenamed", {"effective_date": "2016-01-01", "unit_id": ids["units"][0],
                                             "name": "Phòng mới", "expected_version": 1.0})
    assert near_miss.status_code == 201, near_miss.text


def test_the_published_schema_states_the_expected_versions_range(client: TestClient) -> None:
    """What the fuzz test found by chance: a validator placed before the bounds took them out
    of the OpenAPI (as `ge`/`le`, no JSON Schema keywords), so clients saw no range."""
    body = client.get("/openapi.json").json()["components"]["schemas"]["UnitRenamedCreate"]
    [integer] = [part for part in body["properties"]["expected_version"]["anyOf"] if part.get("type") == "integer"]
    assert (integer["minimum"], integer["maximum"]) == (0, MAX_POSITION)
