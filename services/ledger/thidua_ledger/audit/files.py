"""The ledger's SQLite file as an auditor receives it: is it there, is it whole, and a
consistent copy of it.

SQLite in WAL mode (the mode eventsourcing sets) keeps recent commits in `PATH-wal` until a
checkpoint moves them into `PATH`. Copying `PATH` alone while the ledger runs loses them, and a
`-wal` copied at another moment than `PATH` may not belong to it. Neither shows as an error: the
copy simply reads as a shorter, intact chain. So a read warns where the files suggest it, and
`ledger backup` copies through SQLite's online backup API, which reads a consistent snapshot
(main file and `-wal` together) while the ledger keeps writing.
"""

import sqlite3
from pathlib import Path

_HEADER = b"SQLite format 3\x00"
_WAL_MODE = 2  # bytes 18 and 19 of the header (write and read format versions) in WAL mode


class MissingLedger(Exception):
    """The auditor named a database file that is not there: reading it would create it empty."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no ledger database at {path}: nothing to read (check LEDGER_SQLITE_PATH)")
        self.path = path


def check_ledger_file(path: Path) -> None:
    if not path.is_file():
        raise MissingLedger(path)


def in_wal_mode(path: Path) -> bool:
    with path.open("rb") as file:
        header = file.read(20)
    return header[:16] == _HEADER and header[18] == _WAL_MODE


def copy_warnings(path: Path) -> list[str]:
    """Why the file at `path` may hold less than the ledger did (empty: no sign of it)."""
    if not in_wal_mode(path):
        return []  # a rollback-journal file (such as `ledger backup` writes) is whole by itself
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if not wal.exists():
        return [f"{path} has no {wal.name} beside it: it is complete if the ledger was shut down "
                "cleanly, but a copy taken while the ledger ran lacks the events still in its -wal; "
                "copy a ledger with `ledger backup`"]
    if not shm.exists():
        # A running ledger keeps both; a -wal alone was copied on its own or left by a crash.
        return [f"{wal.name} has no {shm.name} beside it: it may have been copied at another moment "
                f"than {path.name}, and the copy may be incomplete; copy a ledger with `ledger backup`"]
    return []


def backup(source: Path, target: Path) -> int:
    """A consistent copy of the ledger at `source` in one self-contained file; returns its pages.

    Reads `source` read-only, so a missing file is never created."""
    check_ledger_file(source)
    if target.exists():
        raise FileExistsError(f"{target} exists: a backup never overwrites a file")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        # The copy carries no -wal of its own: whole in one file, and copies warn about nothing.
        dst.execute("PRAGMA journal_mode=DELETE")
        pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
    src.close()
    dst.close()
    return pages
