"""A stack of the auditor's journeys' own (make run's three services on SQLite, the demo
scenario), in which a clerk scored two units of Cụm thi đua số 4 for 2019 and then corrected
one score, so the correction changes the ranking. Shared by the audit and statistics browser
tests (read-only after set-up); import the fixture into a test module to use it."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.web.conftest import Stack, sign_in, start_stack


@dataclass
class Scored:
    stack: Stack
    cluster_id: str
    before: int  # the log position just before the correction
    corrected: int  # the correction's position
    correction_id: str  # its event id
    authority_id: str
    first: str  # the unit whose score was corrected (ranked 2nd before, 1st after)
    second: str
    auditor: dict[str, str]  # the auditor's Authorization header


def token(stack: Stack, role: str) -> dict[str, str]:
    name, password = stack.accounts[role]
    answer = httpx.post(stack.ledger_url + "/auth/token",
                        json={"name": name, "password": password, "audience": ["ledger", "documents"]})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _record(stack: Stack, headers: dict[str, str], fact: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = httpx.post(f"{stack.ledger_url}/facts/{fact}", json={**body, "reason": body.get("reason")},
                        headers=headers)
    assert answer.status_code == 201, answer.text
    receipt: dict[str, Any] = answer.json()
    return receipt


_shared: list[Scored] = []
"""The one stack of the session: each module that imports the fixture gets a definition of its
own, so the first one starts the stack (and stops it at the session's end), the others reuse it."""


@pytest.fixture(scope="session", name="scored")
def scored_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scored]:
    if _shared:
        yield _shared[0]
        return
    stack = start_stack(tmp_path_factory.mktemp("audit-stack"))
    try:
        clerk, auditor = token(stack, "clerk"), token(stack, "auditor")
        found = httpx.get(stack.ledger_url + "/catalogue/clusters", params={"q": "cum thi dua so 4"},
                          headers=auditor).json()["entries"]
        cluster = next(c["id"] for c in found if re.fullmatch(r"Cụm thi đua số 4", c["name"]))
        members = httpx.get(f"{stack.ledger_url}/clusters/{cluster}/years/2019", headers=auditor).json()["members"]
        first, second = members[0]["unit_id"], members[1]["unit_id"]
        _record(stack, clerk, "CriteriaAdopted", {
            "effective_date": "2019-01-10", "cluster_id": cluster, "year": 2019,
            "criteria": [{"code": "1", "title": "Công tác xây dựng lực lượng", "max_points": "60"},
                         {"code": "2", "title": "Công tác chuyên môn", "max_points": "40"}]})
        score_id = str(uuid4())
        for unit, p1, p2, sid in ((first, "50", "30", score_id), (second, "52", "33", str(uuid4()))):
            _record(stack, clerk, "ScoreRecorded", {"effective_date": "2019-11-01", "cluster_id": cluster,
                                                    "year": 2019, "score_id": sid, "unit_id": unit,
                                                    "criterion_code": "1", "points": p1, "kind": "self"})
            _record(stack, clerk, "ScoreRecorded", {"effective_date": "2019-11-01", "cluster_id": cluster,
                                                    "year": 2019, "score_id": str(uuid4()), "unit_id": unit,
                                                    "criterion_code": "2", "points": p2, "kind": "self"})
        authority = httpx.get(f"{stack.ledger_url}/clusters/{cluster}/years/2019",
                              headers=auditor).json()["authority_id"]
        _record(stack, clerk, "AwardKindRegistered", {
            "effective_date": "2019-01-01", "authority_id": authority, "name": "Bằng khen (thử nghiệm)",
            "level": "certificate_of_merit"})
        for year, decree, unit in ((2019, "07/QĐ-THU", second), (2020, "08/QĐ-THU", second),
                                   (2020, "09/QĐ-THU", first)):
            _record(stack, clerk, "AwardConferred", {
                "effective_date": f"{year + 1}-01-15", "decree_id": str(uuid4()), "decree_no": decree,
                "decree_date": f"{year + 1}-01-15", "authority_id": authority, "signer": "Người ký thử nghiệm",
                "award_kind": "Bằng khen (thử nghiệm)", "year": year, "cluster_id": cluster,
                "recipients": [{"kind": "collective", "unit_id": unit}]})
        before = int(httpx.get(stack.ledger_url + "/health").json()["position"])
        fixed = _record(stack, clerk, "ScoreCorrected", {
            "effective_date": "2019-11-05", "cluster_id": cluster, "year": 2019, "score_id": str(uuid4()),
            "corrects_score_id": score_id, "points": "58", "reason": "Cộng nhầm điểm tiêu chí 1"})
        _shared.append(Scored(stack, cluster, before, fixed["position"],
                              f"{fixed['entity_id']}:{fixed['version']}", authority, first, second, auditor))
        yield _shared[0]
    finally:
        _shared.clear()
        stack.stop()


def signed_in_as_auditor(page: Any, scored: Scored) -> Any:
    sign_in(page, scored.stack, "auditor")
    return page
