"""What a store error means for the answer (503 or 507), whatever its chain of causes."""

import sqlite3

from thidua_ledger.api.errors import disk_full


def _looped(first: BaseException, second: BaseException) -> BaseException:
    # An error re-raised inside the handler of the error it caused: each is the other's context.
    first.__context__ = second
    second.__context__ = first
    return first


def test_a_chain_that_loops_is_read_once_not_forever() -> None:
    assert disk_full(_looped(sqlite3.OperationalError("database is locked"), RuntimeError("rolled back"))) is False


def test_a_full_disk_anywhere_in_a_looping_chain_is_found() -> None:
    assert disk_full(_looped(RuntimeError("rolled back"), sqlite3.OperationalError("database or disk is full")))


def test_a_plain_outage_is_not_a_full_disk() -> None:
    assert disk_full(sqlite3.OperationalError("unable to open database file")) is False
