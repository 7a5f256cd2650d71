"""The documents service's years and positions have stated ranges: outside them, a 422 naming
the parameter, never a 500."""

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
