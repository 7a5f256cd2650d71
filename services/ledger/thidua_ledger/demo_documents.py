"""The demo's documents, through the documents service's HTTP API (`make run` calls it):
the scenario's issuing bodies and the legal instruments of /work/shared registered once,
then every document the scenario has a subject for issued when nothing it needs is
missing, and otherwise drafted, with the parts the clerk still has to give listed.

No article states a document symbol for a cluster or which numbering series its head
chose: the symbols below are the demo's convention, as the scenario's authority symbols
are. The documents service is reached over HTTP only (it imports no ledger code).
"""

import time
from dataclasses import dataclass

import httpx

from thidua_ledger.scenario import authority_id, cluster_id

# (kind, id, symbol or None for the ledger's own, series)
BODIES = [
    ("authority", authority_id("catp"), None, "common"),
    ("authority", authority_id("bca"), None, "per_type"),
    ("authority", authority_id("tuhn"), None, "per_type"),
    ("cluster", cluster_id("cum-4"), "CTĐ4", "per_type"),
    ("cluster", cluster_id("cum-5"), "CTĐ5", "per_type"),
    ("cluster", cluster_id("cum-2"), "CTĐ2", "per_type"),
    ("cluster", cluster_id("cum-vp-du"), "CTĐVPĐU", "per_type"),
]
# What /work/shared/DOMAIN.md states of them; "about" and dates it does not state are left out.
INSTRUMENTS = [
    {"title": "Thông tư", "number": "12/2019/TT-BCA", "issued_on": "2019-05-29",
     "about": "của Bộ trưởng Bộ Công an quy định công tác thi đua, khen thưởng trong Công an nhân dân"},
    {"title": "Nghị định", "number": "152/2025/NĐ-CP", "issued_on": "2025-06-14"},
]
# (cluster key, year, kinds) the scenario records a subject for.
DOCUMENTS = [
    ("cum-4", 2016, ("review-minutes", "flag-handover-minutes", "report")),
    ("cum-vp-du", 2017, ("pledge-minutes", "pledge")),
    ("cum-2", 2018, ("pledge-minutes", "pledge")),
    ("cum-5", 2018, ("pledge-minutes", "pledge")),
    ("cum-4", 2019, ("review-minutes", "report")),
]


@dataclass(frozen=True)
class Outcome:
    path: str
    number: str | None  # issued, with this number (None for an unnumbered pledge)
    issued: bool
    missing: list[str]  # what the clerk must still give (or record in the ledger) to issue it


def wait_for_projection(docs: httpx.Client, head: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while docs.get("/projection").json()["position"] < head:
        if time.monotonic() > deadline:
            raise TimeoutError("the documents service did not catch up with the ledger")
        time.sleep(0.2)


def register(docs: httpx.Client) -> None:
    """Bodies and instruments, once: a second run finds them registered (409) and goes on."""
    for kind, body_id, symbol, series in BODIES:
        body = {"kind": kind, "id": str(body_id), "series": series, **({"symbol": symbol} if symbol else {})}
        response = docs.post("/documents/issuing-bodies", json=body)
        if response.status_code not in (201, 409):
            raise RuntimeError(f"registering {kind} {body_id}: {response.status_code} {response.text}")
    for instrument in INSTRUMENTS:
        response = docs.post("/documents/legal-instruments", json=instrument)
        if response.status_code not in (201, 409):
            raise RuntimeError(f"registering {instrument['number']}: {response.status_code} {response.text}")


def issue_demo(docs: httpx.Client) -> list[Outcome]:
    """Each demo document: issued if it can be, else its draft checked and what it lacks listed."""
    register(docs)
    outcomes = []
    for cluster, year, kinds in DOCUMENTS:
        for kind in kinds:
            path = f"/documents/clusters/{cluster_id(cluster)}/years/{year}/{kind}"
            response = docs.post(path, json={})
            if response.status_code == 201:
                outcomes.append(Outcome(path, response.json()["number"], True, []))
                continue
            if response.status_code == 409 and "already issued" in response.json().get("detail", ""):
                outcomes.append(Outcome(path, None, True, []))
                continue
            if response.status_code != 422:
                raise RuntimeError(f"{path}: {response.status_code} {response.text}")
            draft = docs.post(f"{path}/draft", json={})
            if draft.status_code != 200:
                raise RuntimeError(f"{path}/draft: {draft.status_code} {draft.text}")
            outcomes.append(Outcome(path, None, False, list(response.json()["missing"])))
    return outcomes
