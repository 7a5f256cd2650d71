"""A ledger per test, on each store (`ledger_settings` runs every test on SQLite and PostgreSQL)."""

from collections.abc import Iterator

import pytest
from thidua_ledger.application import Ledger
from thidua_ledger.settings import Settings

from tests.factories import ClusterSetup, cluster_with_members


@pytest.fixture
def ledger(ledger_settings: Settings) -> Iterator[Ledger]:
    opened = Ledger(env=ledger_settings.eventstore_env())
    yield opened
    opened.close()


@pytest.fixture
def cluster(ledger: Ledger) -> ClusterSetup:
    """Cluster 4 with three members, its 2019 year opened."""
    return cluster_with_members(ledger, members=3)
