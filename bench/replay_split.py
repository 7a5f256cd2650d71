"""Where a full replay's CPU goes, per event, alternating code trees (issue 17).

Each round runs, for each tree given (a checkout, or `git archive main services events | tar
-x -C DIR`), a fresh process on that tree's code, reading a history bench_replay.py generated
(`--history`). The process times with `process_time` (the machine's load moves wall time
far more): reading the pages of raw rows, looking up the corrections, decoding the pages
(minus the read), and the whole `rebuild`; folding (with the loop around it) is the rest.
Best and median over the rounds, per tree, and the load.

    .venv/bin/python bench/replay_split.py --history /tmp/h60k.sqlite --rounds 5 /tmp/main .
"""

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PARTS = ("read", "corrections", "decode", "fold", "total")


def child(history: Path) -> dict[str, float]:
    from thidua_ledger.application import Ledger
    from thidua_ledger.audit.replay import corrections_up_to, rebuild
    from thidua_ledger.audit.stored_history import decode_page, log_pages
    from thidua_ledger.settings import Settings

    ledger = Ledger(env={**Settings(store="sqlite", sqlite_path=history).eventstore_env(), "CREATE_TABLE": "false"})
    head, transcoder = ledger.position(), ledger.mapper.transcoder

    def cpu(work: Callable[[], Any]) -> float:
        gc.collect()
        gc.disable()  # as the replay runs (feed.paused_gc)
        started = time.process_time()
        work()
        spent = time.process_time() - started
        gc.enable()
        return spent

    def read() -> None:
        for _ in log_pages(ledger.recorder, 0, head):
            pass

    def decode() -> None:
        for rows in log_pages(ledger.recorder, 0, head):
            for _ in decode_page(transcoder, rows):
                pass

    events = rebuild(ledger).events_read  # warms the file's pages and the imports
    reading, looking_up, decoding = cpu(read), cpu(lambda: corrections_up_to(ledger, head)), cpu(decode)
    total = cpu(lambda: rebuild(ledger))
    ledger.close()
    spent = {"read": reading, "corrections": looking_up, "decode": decoding - reading,
             "fold": total - decoding - looking_up, "total": total}
    return {part: seconds / events * 1e6 for part, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", type=Path, help="code trees to alternate (default: this one)")
    parser.add_argument("--history", type=Path, required=True, help="a history bench_replay.py --history kept")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.history)))
        return
    trees = [tree.resolve() for tree in args.trees or [Path(__file__).resolve().parent.parent]]
    found: dict[Path, list[dict[str, float]]] = {tree: [] for tree in trees}
    for _ in range(args.rounds):
        for tree in trees:
            path = os.pathsep.join(str(tree / part) for part in ("events", "services/ledger"))
            done = subprocess.run([sys.executable, __file__, "--child", "--history", str(args.history)],
                                  env={**os.environ, "PYTHONPATH": path}, capture_output=True, text=True, check=True)
            found[tree].append(json.loads(done.stdout))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"CPU µs per event, best (median) of {args.rounds} rounds; load {load}")
    print(f"{'tree':40}" + "".join(f"{part:>18}" for part in PARTS))
    for tree, runs in found.items():
        print(f"{str(tree)[-40:]:40}" + "".join(
            f"{min(r[part] for r in runs):>9.2f} ({statistics.median(r[part] for r in runs):5.2f})" for part in PARTS))


if __name__ == "__main__":
    main()
