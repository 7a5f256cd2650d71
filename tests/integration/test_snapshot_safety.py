"""Snapshots hold data, never code: decoding one constructs only the ledger's own listed
types, and a snapshot that does not match the chain is refused, on SQLite and PostgreSQL."""

from pathlib import Path

import pytest
from thidua_ledger.domain.snapshots import SnapshotRefused, decode


def test_decoding_a_snapshot_never_calls_a_stored_name(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(SnapshotRefused, match="os:system"):
        decode({"~e": "os:system", "v": f"touch {marker}"})
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["~e", "~m"])
def test_a_snapshot_type_outside_the_list_is_refused(tag: str) -> None:
    # The near miss: a real, importable class of the contract that the list does not name.
    with pytest.raises(SnapshotRefused, match="not a snapshot type"):
        decode({tag: "thidua_events.facts.base:Fact", "v": {}})


def test_an_unknown_tag_is_refused() -> None:
    with pytest.raises(SnapshotRefused, match="unknown snapshot tag"):
        decode({"~x": "anything"})
