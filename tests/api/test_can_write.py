"""`GET /access/me/can-write`: the question the documents service asks before it numbers a
document in an issuing body's name, answered from the same grants as a write."""

from typing import Any

from fastapi.testclient import TestClient
from thidua_events.facts import Role

from tests.api.conftest import ADMIN, AUDITOR, CLERK
from tests.api.test_recording import post, setup_cluster
from tests.tokens import bearer

OTHER_CLERK = "Phạm Thị Thư ký cụm"


def can_write(client: TestClient, headers: dict[str, str], **body: str) -> Any:
    """`cluster_id=X` asks of `body=cluster:X`, as the documents register keys its bodies."""
    params = {"body": ",".join(f"{kind.removesuffix('_id')}:{value}" for kind, value in body.items())}
    return client.get("/access/me/can-write", params=params, headers=headers)


def test_a_clerk_may_write_for_the_bodies_granted_and_is_refused_naming_the_scope(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)  # CLERK holds the authority
    other = setup_cluster(client, members=1)
    assert post(client, "ScopeGranted", {"effective_date": "2019-01-01", "account": OTHER_CLERK,
                                         "cluster_id": other["cluster"]}, ADMIN).status_code == 201
    cluster_clerk = bearer(Role.CLERK, OTHER_CLERK)

    assert can_write(client, cluster_clerk, cluster_id=other["cluster"]).status_code == 200
    refused = can_write(client, cluster_clerk, cluster_id=ids["cluster"])
    assert refused.status_code == 403
    assert refused.json()["rule"] == "write-within-granted-scope"
    assert refused.json()["scope"] == f"cluster {ids['cluster']} (of authority {ids['authority']})"
    # Near misses: the authority of the granted cluster, and a unit of that authority.
    assert can_write(client, cluster_clerk, authority_id=other["authority"]).status_code == 403
    assert can_write(client, cluster_clerk, unit_id=other["units"][0]).status_code == 403
    # A grant on an authority covers its clusters and its units.
    for body in ({"authority_id": ids["authority"]}, {"cluster_id": ids["cluster"]}, {"unit_id": ids["units"][0]}):
        assert can_write(client, CLERK, **body).status_code == 200, body


def test_an_admin_may_write_anywhere_and_an_auditor_nowhere(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    assert can_write(client, ADMIN, cluster_id=ids["cluster"]).status_code == 200
    assert can_write(client, AUDITOR, cluster_id=ids["cluster"]).status_code == 403


def test_the_question_names_exactly_one_known_body(client: TestClient) -> None:
    ids = setup_cluster(client, members=1)
    assert can_write(client, CLERK).status_code == 422
    assert can_write(client, CLERK, cluster_id=ids["cluster"], authority_id=ids["authority"]).status_code == 422
    assert can_write(client, CLERK, cluster_id="not-an-id").status_code == 422
    unknown = can_write(client, CLERK, cluster_id="00000000-0000-4000-8000-000000000000")
    assert unknown.status_code == 404
    assert can_write(client, CLERK, person_id=ids["cluster"]).status_code == 422
    assert client.get("/access/me/can-write", params={"body": f"cluster:{ids['cluster']}"}).status_code == 401
