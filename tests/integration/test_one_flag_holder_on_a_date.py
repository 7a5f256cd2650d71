"""One definition of who held a cluster's rotating flag on a date (the Cluster's
`flag_holder_on`): the flag view and the cluster-year view answer the same at every date
around each handover of the articles' scenario, at any as-of date and at known-at positions
before and after the handover was recorded. On SQLite and PostgreSQL."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from thidua_events.facts import Role
from thidua_ledger import scenario
from thidua_ledger.api.app import create_app
from thidua_ledger.application import Ledger
from thidua_ledger.domain.cluster import Cluster
from thidua_ledger.settings import Settings

from tests.tokens import bearer

HEADERS = bearer(Role.AUDITOR, "Kiểm tra")


@pytest.fixture
def served(ledger_settings: Settings) -> Iterator[tuple[TestClient, Ledger]]:
    with TestClient(create_app(ledger_settings)) as client:
        ledger: Ledger = client.app.state.ledger  # type: ignore[attr-defined]
        scenario.load(ledger)
        yield client, ledger


def read(client: TestClient, url: str) -> Any:
    answer = client.get(url, headers=HEADERS)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_flag_view_and_the_year_view_name_one_holder_on_a_date(served: tuple[TestClient, Ledger]) -> None:
    client, ledger = served
    c4 = scenario.cluster_id("cum-4")
    handovers = ledger.get(Cluster, c4).flag_handovers
    assert handovers, "the scenario records Cluster 4's handovers"
    # every position at which the ledger learnt something of Cluster 4: before and after each handover
    positions = [n.id for n in ledger.recorder.select_notifications(start=1, limit=100_000)
                 if n.originator_id == c4]
    for year, handed_on, giver, taker in handovers:
        for day in (handed_on - timedelta(days=1), handed_on, handed_on + timedelta(days=1),
                    handed_on.replace(month=1, day=1)):
            for known_at in (None, *positions):
                clock = f"&known_at={known_at}" if known_at else ""
                flag = read(client, f"/clusters/{c4}/flag?on={day}{clock}")["holder"]
                view = read(client, f"/clusters/{c4}/years/{day.year}?as_of={day}{clock}")["flag_holder"]
                assert view == flag, (day, known_at)
        before = read(client, f"/clusters/{c4}/years/{year}?as_of={handed_on - timedelta(days=1)}")
        after = read(client, f"/clusters/{c4}/years/{year}?as_of={handed_on}")
        # the giver of the first recorded handover held the flag before it; the taker from its day
        assert before["flag_holder"]["unit_id"] == str(giver)
        assert after["flag_holder"]["unit_id"] == str(taker)
