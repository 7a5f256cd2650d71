"""The documents service's years and positions have stated ranges: outside them, a 422 naming
the parameter, never a 500."""

import json

import pytest

from tests.documents.conftest import Docs
from tests.documents.world import World

TOO_FAR = 2**63


@pytest.mark.parametrize("year", [0, 1944, 2101, TOO_FAR])
def test_a_year_outside_1945_to_2100_is_refused_naming_the_year(docs: Docs, world: World, year: int) -> None:
    for path in (f"/documents/clusters/{world.cluster}/years/{year}/report/draft",
                 f"/documents/clusters/{world.cluster}/years/{year}/report"):
        response = docs.client.post(path, json={})
        assert response.status_code == 422
        assert ["path", "year"] in [error["loc"] for error in response.json()["detail"]]


@pytest.mark.parametrize("path", ["/documents/decrees/{decree}/draft", "/documents/proposals/{proposal}/draft",
                                  "/documents/clusters/{cluster}/years/2019/report/draft"])
def test_a_position_beyond_the_logs_range_is_refused_naming_it(docs: Docs, world: World, path: str) -> None:
    url = path.format(decree=world.decree_2016, proposal=world.proposal_2019, cluster=world.cluster)
    response = docs.client.post(url, params={"position": TOO_FAR}, json={})
    assert response.status_code == 422
    assert ["query", "position"] in [error["loc"] for error in response.json()["detail"]]


DOCUMENT_ROUTES = [("GET", "/documents/{id}"), ("GET", "/documents/{id}/file"), ("GET", "/documents/{id}/preview.pdf"),
                   ("POST", "/documents/{id}/signed.pdf"), ("GET", "/documents/{id}/signed.pdf"),
                   ("GET", "/documents/{id}/signed.pdf/verification"), ("POST", "/documents/{id}/regenerate")]
NOT_PRINTABLE = ["%00", "a%00b", "%01", "%7F", "%0A", "%C2%85", "%E2%80%8B", "x" * 201]


def refused_naming(response: object, where: str, name: str) -> bool:
    body = response.json()  # type: ignore[attr-defined]
    return response.status_code == 422 and [where, name] in [error["loc"] for error in body["detail"]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("bad", NOT_PRINTABLE)
def test_a_document_id_that_is_not_printable_is_refused_naming_it(docs_any_store: Docs, bad: str) -> None:
    """PostgreSQL refuses NUL in text: it was a 500 there (and on both stores a lookup of a
    value no register ever makes)."""
    for method, route in DOCUMENT_ROUTES:
        response = docs_any_store.client.request(method, route.format(id=bad))
        assert refused_naming(response, "path", "document_id"), (route, response.text)


@pytest.mark.parametrize("bad", NOT_PRINTABLE)
def test_an_issuer_key_that_is_not_printable_is_refused_naming_it(docs_any_store: Docs, bad: str) -> None:
    for path, body in ((f"/documents/issuing-bodies/{bad}/terms", {"starts_on": "2015-10-01"}),
                       (f"/documents/issuing-bodies/{bad}/terms/2015-10-01/end", {"ends_on": "2016-10-01"})):
        response = docs_any_store.client.post(path, json=body)
        assert refused_naming(response, "path", "issuer_key"), (path, response.text)


def test_a_well_formed_unknown_document_or_body_is_still_a_404(docs_any_store: Docs) -> None:
    assert docs_any_store.client.get("/documents/no-such-document").status_code == 404
    unknown = docs_any_store.client.post("/documents/issuing-bodies/cluster:nobody/terms",
                                         json={"starts_on": "2015-10-01"})
    assert unknown.status_code == 404, unknown.text


@pytest.mark.parametrize("field", ["title", "number"])
def test_a_lone_surrogate_in_a_documents_text_field_is_refused_naming_it(docs: Docs, field: str) -> None:
    body = {"title": "Luật", "number": "15/2003/QH11", "issued_on": "2003-11-26", "in_force_from": "2004-07-01"}
    raw = json.dumps({**body, field: "PLACEHOLDER"}).replace("PLACEHOLDER", "L\\ud800")
    response = docs.client.post("/documents/legal-instruments", content=raw,
                                headers={"content-type": "application/json"})
    assert refused_naming(response, "body", field), response.text
