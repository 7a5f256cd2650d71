"""The subscriber's SQLite seen-store opens wherever another process is opening the same file:
two consumers started together on one new store both come up (switching a new file into WAL
needs it to itself, and SQLite refused the second at once, "database is locked", without
waiting as its busy timeout would)."""

import multiprocessing
import traceback
from multiprocessing.synchronize import Barrier
from pathlib import Path

from thidua_events.seen_store import SQLiteSeenStore

TRIES = 800  # about one new store in 300 failed on a quiet machine, one in ten under load


def where(error: BaseException) -> str:
    """The seen-store's line that raised it."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename.endswith("seen_store.py")]
    return (frames[-1].line or "?") if frames else "?"


def open_each(paths: list[Path], barrier: Barrier, name: str, failures: "multiprocessing.Queue[str]") -> None:
    """One consumer process: opens each new store at the same moment as the other, and uses it."""
    for path in paths:
        barrier.wait(timeout=60)
        try:
            store = SQLiteSeenStore(path)
            try:
                store.add(f"{name}-event")
                assert store.seen(f"{name}-event")
            finally:
                store.close()
        except Exception as error:  # every failure is reported, not only the one we expect
            failures.put(f"{path.name}: {type(error).__name__}: {error} (in {where(error)})")
    failures.put("done")


def test_two_processes_open_one_new_store_at_the_same_moment(tmp_path: Path) -> None:
    paths = [tmp_path / f"seen-{n}.sqlite" for n in range(TRIES)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    failures: multiprocessing.Queue[str] = context.Queue()
    consumers = [context.Process(target=open_each, args=(paths, barrier, name, failures)) for name in "ab"]
    for consumer in consumers:
        consumer.start()
    reported: list[str] = []
    while reported.count("done") < len(consumers):
        reported.append(failures.get(timeout=120))
    for consumer in consumers:
        consumer.join(timeout=30)
    assert [line for line in reported if line != "done"] == []
    for path in paths:  # each store holds both consumers' ids and is in WAL
        store = SQLiteSeenStore(path)
        try:
            assert store.seen("a-event") and store.seen("b-event"), path.name
        finally:
            store.close()
