"""Who may use the documents API: the ledger's bearer tokens, verified with its public keys.
Clerks, auditors and admins read and draft; only clerks and admins issue a numbered document;
subscribers read the ledger's feed, not this service."""

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_documents.api.app import create_app
from thidua_documents.preview import soffice
from thidua_events.facts import Role
from thidua_events.tokens import SigningKey, new_signing_key

from tests.documents import requests
from tests.documents.conftest import Docs, sqlite_settings
from tests.documents.world import World
from tests.tokens import bearer

AUDITOR = bearer(Role.AUDITOR, "Lê Thị Thanh tra")
SUBSCRIBER = bearer(Role.SUBSCRIBER, "Dịch vụ hồ sơ cán bộ")
ADMIN = bearer(Role.ADMIN, "Quản trị hệ thống")
OPEN_PATHS = {"/health"}  # and the API docs pages, which are not in the schema


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[TestClient]:
    """The documents app with nothing projected and no token sent."""
    with TestClient(create_app(sqlite_settings(tmp_path), follow=False)) as client:
        yield client


def every_guarded_route(client: TestClient) -> Iterator[tuple[str, str]]:
    """Every operation the API documents, with its path filled in."""
    for template, operations in client.get("/openapi.json").json()["paths"].items():
        if template not in OPEN_PATHS:
            path = re.sub(r"\{\w+\}", str(uuid4()), template.replace("{year}", "2019"))
            for method in operations:
                yield method.upper(), path


def test_every_route_but_health_and_the_api_docs_needs_a_token(bare: TestClient) -> None:
    routes = list(every_guarded_route(bare))
    assert len(routes) > 10  # the walk found the routers
    for method, path in routes:
        response = bare.request(method, path, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["detail"] == "missing bearer token: send 'Authorization: Bearer <token>'"
    for path in ("/health", "/docs", "/openapi.json"):
        assert bare.get(path).status_code == 200, path


def test_an_expired_token_is_refused_as_expired(docs: Docs) -> None:
    expired = bearer(Role.CLERK, valid_for=timedelta(seconds=-1))
    response = docs.calling_as(expired).get("/documents")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"] == "the token has expired; ask for a new one"


def test_a_token_signed_with_another_key_is_refused(docs: Docs, world: World) -> None:
    forged = bearer(Role.ADMIN, key=SigningKey(new_signing_key()))
    response = docs.calling_as(forged).post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "not valid" in response.json()["detail"]
    assert docs.client.get("/documents").json() == []


def test_a_token_that_is_not_a_jwt_is_refused(docs: Docs) -> None:
    response = docs.calling_as({"Authorization": "Bearer not-a-token"}).get("/documents")
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_a_clerk_issues_a_numbered_decree(docs: Docs, world: World) -> None:
    response = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert response.status_code == 201, response.text
    assert response.json()["number"] == "120/QĐ-CATP"  # as the ledger records it


def test_an_admin_issues_too(docs: Docs, world: World) -> None:
    response = docs.calling_as(ADMIN).post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))
    assert response.status_code == 201, response.text


def test_an_auditor_drafts_but_cannot_issue(docs: Docs, world: World) -> None:
    auditor = docs.calling_as(AUDITOR)
    draft = auditor.post(f"/documents/decrees/{world.decree_2016}/draft", json=requests.decree(world))
    assert draft.status_code == 200, draft.text
    minutes = requests.review_minutes()
    for path, body in ((f"/documents/decrees/{world.decree_2016}", requests.decree(world)),
                       (f"/documents/proposals/{world.proposal_2019}", {}),
                       (f"/documents/clusters/{world.cluster}/years/2019/review-minutes", minutes)):
        response = auditor.post(path, json=body)
        assert response.status_code == 403, path
        assert response.json()["detail"] == ("role 'auditor' may only read and draft; issuing a numbered "
                                             "document needs role clerk or admin")
    assert docs.client.get("/documents").json() == []  # no number was taken


def test_an_auditor_reads_previews_and_regenerates_what_a_clerk_issued(docs: Docs, world: World) -> None:
    issued = docs.client.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world)).json()
    auditor = docs.calling_as(AUDITOR)
    assert [entry["document_id"] for entry in auditor.get("/documents").json()] == [issued["document_id"]]
    assert auditor.get(f"/documents/{issued['document_id']}/file").headers["X-SHA256"] == issued["sha256"]
    assert auditor.post(f"/documents/{issued['document_id']}/regenerate").json()["identical"]
    preview = auditor.get(f"/documents/{issued['document_id']}/preview.pdf")
    assert preview.status_code == (200 if soffice() else 503)  # 503: allowed, but no LibreOffice here


def test_a_subscriber_may_not_use_the_documents_service(docs: Docs, world: World) -> None:
    subscriber = docs.calling_as(SUBSCRIBER)
    for response in (subscriber.get("/documents"),
                     subscriber.get("/projection"),
                     subscriber.post(f"/documents/decrees/{world.decree_2016}/draft", json=requests.decree(world)),
                     subscriber.post(f"/documents/decrees/{world.decree_2016}", json=requests.decree(world))):
        assert response.status_code == 403
        assert response.json()["detail"] == ("role 'subscriber' may not use the documents service; reading "
                                             "and drafting documents needs role clerk, auditor or admin")


def test_the_api_refuses_to_start_without_the_issuers_public_keys(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path).model_copy(update={"token_jwks": None})
    with pytest.raises(RuntimeError, match="THIDUA_TOKEN_JWKS"):
        create_app(settings)
