"""A ledger per test, on each store (`ledger_settings` runs every test on SQLite and PostgreSQL)."""

import json
from collections.abc import Iterator

import pytest
from eventsourcing.persistence import JSONTranscoder
from thidua_ledger.application import Ledger
from thidua_ledger.settings import Settings

from tests.factories import ClusterSetup, cluster_with_members


@pytest.fixture
def ledger(ledger_settings: Settings) -> Iterator[Ledger]:
    """After the test, whatever it stored is read back through eventsourcing's stock JSON
    decoder as well: the ledger's one-pass decoder must give exactly the same values, for
    every fact type the suite records."""
    opened = Ledger(env=ledger_settings.eventstore_env())
    yield opened
    stock = JSONTranscoder()
    opened.register_transcodings(stock)
    for notification in opened.recorder.select_notifications(start=1, limit=100_000):
        assert opened.mapper.transcoder.decode(notification.state) == stock.decode(notification.state), (
            f"the one-pass decoder reads position {notification.id} differently")
    states = [n.state for n in opened.recorder.select_notifications(start=1, limit=100_000)]
    assert opened.mapper.transcoder.decode_many(states, run=7) == [stock.decode(state) for state in states], (
        "the page decoder reads the log differently")
    for state, parts in zip(states, opened.mapper.transcoder.facts_many(states, run=7), strict=True):
        data = stock.decode(state)
        if "fact" in data and json.loads(state)["fact"]["_data_"]["v"] == data["fact"].version:
            assert parts == (data["fact"], data["provenance"], data["timestamp"]), (
                "the replay's decoder reads a fact event differently")
        else:  # no fact, or one stored at an older version: read by `decode`, which upcasts it
            assert parts is None
    opened.close()


@pytest.fixture
def other(ledger_settings: Settings, ledger: Ledger) -> Iterator[Ledger]:
    """A second ledger on the same store: another process (or another clerk), with a cache of
    its own."""
    second = Ledger(env=ledger_settings.eventstore_env())
    yield second
    second.close()


@pytest.fixture
def cluster(ledger: Ledger) -> ClusterSetup:
    """Cluster 4 with three members, its 2019 year opened."""
    return cluster_with_members(ledger, members=3)
