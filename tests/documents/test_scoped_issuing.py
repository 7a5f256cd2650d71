"""Scoped roles in the documents service (issue 11): a clerk issues and signs documents only
for the issuing bodies the ledger granted them, a grant on an authority covering its clusters.
The documents service holds no grants: it asks the ledger with the clerk's own token."""

from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from thidua_documents.api.app import create_app, ledger_revocations
from thidua_documents.ledger_client import LedgerWriter
from thidua_documents.settings import Settings
from thidua_events.facts import Role

from tests.documents import requests as full
from tests.documents.conftest import Docs, register_world
from tests.documents.world import ADMIN, CLERK, World
from tests.tokens import bearer

SCOPED = "write-within-granted-scope"


def clerk_granted(world: World, **scope: str) -> dict[str, str]:
    """A new clerk's token, with one grant recorded in the ledger by an admin."""
    account = f"Thư ký {uuid4().hex[:8]}"
    world.record("ScopeGranted", ADMIN, effective_date="2015-01-01", account=account, **scope)
    return bearer(Role.CLERK, account)


def other_cluster(world: World) -> str:
    cluster_id = str(uuid4())
    world.record("ClusterFormed", effective_date="2015-01-01", cluster_id=cluster_id, name="Cụm thi đua số 5",
                 authority_id=world.authority)
    return cluster_id


def review_minutes(docs: Docs, world: World, headers: dict[str, str]) -> Any:
    return docs.calling_as(headers).post(f"{full.cluster_year(world)}/review-minutes", json=full.review_minutes())


def test_a_clerk_issues_only_the_minutes_of_a_cluster_granted_to_them(docs_any_store: Docs, world: World) -> None:
    docs = docs_any_store
    outsider = clerk_granted(world, cluster_id=other_cluster(world))
    docs.sync()

    refused = review_minutes(docs, world, outsider)
    assert refused.status_code == 403, refused.text
    assert refused.json()["rule"] == SCOPED
    assert world.cluster in refused.json()["scope"]
    assert docs.client.get("/documents").json() == []  # nothing numbered, nothing registered

    issued = review_minutes(docs, world, clerk_granted(world, cluster_id=world.cluster))
    assert issued.status_code == 201, issued.text
    assert issued.json()["number"] == "01/BB-CTĐ4"  # the refusal took no number from the cluster's book


def test_a_grant_on_the_authority_covers_its_clusters_but_one_on_its_parent_does_not(docs: Docs,
                                                                                    world: World) -> None:
    refused = review_minutes(docs, world, clerk_granted(world, authority_id=world.ministry))
    assert refused.status_code == 403 and refused.json()["rule"] == SCOPED, refused.text
    issued = review_minutes(docs, world, clerk_granted(world, authority_id=world.authority))
    assert issued.status_code == 201, issued.text


def test_a_clerk_of_a_cluster_may_not_register_its_authoritys_decree(docs: Docs, world: World) -> None:
    cluster_clerk = docs.calling_as(clerk_granted(world, cluster_id=world.cluster))
    refused = cluster_clerk.post(f"/documents/decrees/{world.decree_2016}", json=full.decree(world))
    assert refused.status_code == 403 and refused.json()["rule"] == SCOPED, refused.text
    assert world.authority in refused.json()["scope"]
    assert docs.client.get("/documents").json() == []
    assert docs.client.post(f"/documents/decrees/{world.decree_2016}", json=full.decree(world)).status_code == 201


def test_an_admin_issues_for_any_body_without_a_grant(docs_any_store: Docs, world: World) -> None:
    issued = review_minutes(docs_any_store, world, ADMIN)
    assert issued.status_code == 201, issued.text


def test_a_revoked_grant_stops_issuing_at_once(docs: Docs, world: World) -> None:
    account = f"Thư ký {uuid4().hex[:8]}"
    world.record("ScopeGranted", ADMIN, effective_date="2015-01-01", account=account, cluster_id=world.cluster)
    world.record("ScopeRevoked", ADMIN, effective_date="2020-01-01", account=account, cluster_id=world.cluster)
    refused = review_minutes(docs, world, bearer(Role.CLERK, account))
    assert refused.status_code == 403 and refused.json()["rule"] == SCOPED, refused.text


def test_drafting_stays_open_to_every_reader(docs: Docs, world: World) -> None:
    for headers in (clerk_granted(world, cluster_id=other_cluster(world)), bearer(Role.AUDITOR, "Kiểm tra viên")):
        draft = docs.calling_as(headers).post(f"{full.cluster_year(world)}/review-minutes/draft",
                                              json=full.review_minutes())
        assert draft.status_code == 200, draft.text


def test_only_a_clerk_within_the_scope_may_sign_in_the_bodys_name(docs: Docs, world: World) -> None:
    document_id = review_minutes(docs, world, CLERK).json()["document_id"]
    outsider = docs.calling_as(clerk_granted(world, cluster_id=other_cluster(world)))
    refused = outsider.post(f"/documents/{document_id}/signed.pdf")
    assert refused.status_code == 403 and refused.json()["rule"] == SCOPED, refused.text
    # Within the scope the request goes on to the keys (none configured here): not a scope refusal.
    assert docs.client.post(f"/documents/{document_id}/signed.pdf").status_code == 503


@pytest.fixture
def docs_without_ledger(docs_settings: Settings, ledger: TestClient, world: World) -> Iterator[Docs]:
    """The documents app whose ledger URL answers nothing (a closed port)."""
    revocations = ledger_revocations(docs_settings, client=ledger)
    app = create_app(docs_settings, follow=False, revocations=revocations,
                     ledger=LedgerWriter("http://127.0.0.1:9", timeout=2.0))
    with TestClient(app, headers=CLERK) as client:
        docs = Docs(client, ledger)
        docs.sync()
        register_world(docs.calling_as(ADMIN), world)  # an admin's registrations ask no ledger
        yield docs


def test_without_the_ledger_a_clerk_issues_nothing_unchecked(docs_without_ledger: Docs, world: World) -> None:
    response = review_minutes(docs_without_ledger, world, CLERK)
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"]
    assert docs_without_ledger.client.get("/documents").json() == []
    # An admin needs no grant, so the ledger is not asked.
    assert review_minutes(docs_without_ledger, world, ADMIN).status_code == 201


def test_only_a_writer_for_a_body_registers_it_as_an_issuing_body(docs_any_store: Docs, world: World) -> None:
    """Its symbol and series decide every number it gives: a body's own business, as its documents are."""
    docs = docs_any_store
    cluster = other_cluster(world)
    docs.sync()
    body = {"kind": "cluster", "id": cluster, "symbol": "CTĐ5", "series": "per_type"}
    refused = docs.calling_as(clerk_granted(world, cluster_id=world.cluster)).post("/documents/issuing-bodies",
                                                                                  json=body)
    assert refused.status_code == 403 and refused.json()["rule"] == SCOPED, refused.text
    assert cluster in refused.json()["scope"]
    assert f"cluster:{cluster}" not in [b["issuer_key"] for b in docs.client.get("/documents/issuing-bodies").json()]
    registered = docs.calling_as(clerk_granted(world, cluster_id=cluster)).post("/documents/issuing-bodies", json=body)
    assert registered.status_code == 201, registered.text


def test_only_a_writer_for_a_body_registers_and_ends_its_party_terms(docs_any_store: Docs, world: World) -> None:
    docs, key = docs_any_store, f"cluster:{world.cluster}"
    outsider = docs.calling_as(clerk_granted(world, cluster_id=other_cluster(world)))
    terms, end = f"/documents/issuing-bodies/{key}/terms", f"/documents/issuing-bodies/{key}/terms/2015-10-01/end"
    refused = outsider.post(terms, json={"starts_on": "2015-10-01"})
    assert refused.status_code == 403 and refused.json()["rule"] == SCOPED, refused.text
    insider = docs.calling_as(clerk_granted(world, cluster_id=world.cluster))
    assert insider.post(terms, json={"starts_on": "2015-10-01"}).status_code == 201
    refused_end = outsider.post(end, json={"ends_on": "2019-09-30"})
    assert refused_end.status_code == 403 and refused_end.json()["rule"] == SCOPED, refused_end.text
    ended = insider.post(end, json={"ends_on": "2019-09-30"})
    assert ended.status_code == 200 and ended.json()["ends_on"] == "2019-09-30", ended.text
