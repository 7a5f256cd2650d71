"""An example subscriber: prints every award decision the ledger publishes.

    python events/examples/award_printer.py --bootstrap 127.0.0.1:9092 --group award-printer

Run the relay (`ledger relay`) to have something to print. Ctrl-C stops it cleanly;
started again with the same group, it goes on where it stopped, and prints nothing twice.
"""

import argparse
import logging
import signal
from pathlib import Path

from thidua_events.envelope import LedgerEvent
from thidua_events.facts.awards import AwardConferred, AwardRevoked
from thidua_events.facts.cluster import RotatingFlagHandedOver
from thidua_events.facts.year import LeadershipElected, UnitsHonoured
from thidua_events.seen_store import SQLiteSeenStore
from thidua_events.subscriber import Subscriber
from thidua_events.topics import AWARDS_TOPIC, DEAD_LETTER_TOPIC


def describe(event: LedgerEvent) -> str:
    fact = event.fact()  # the current model, even when an older version was sent
    match fact:
        case AwardConferred():
            what = f"{fact.award_kind} {fact.year}, decree {fact.decree_no}, {len(fact.recipients)} recipient(s)"
        case AwardRevoked():
            what = f"{fact.award_kind} {fact.year} revoked by decree {fact.decree_no}"
        case UnitsHonoured():
            what = f"{fact.title} {fact.year}: {len(fact.unit_ids)} unit(s) honoured"
        case RotatingFlagHandedOver():
            what = f"rotating flag {fact.year}: {fact.from_unit_id} → {fact.to_unit_id}"
        case LeadershipElected():
            what = f"leader for {fact.for_year}: {fact.leader_unit_id}"
        case _:
            what = event.type
    return f"#{event.position} {fact.effective_date} {event.type}: {what} (recorded by {event.provenance.actor})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bootstrap", default="127.0.0.1:9092", help="Kafka bootstrap servers")
    parser.add_argument("--group", default="award-printer", help="consumer group id")
    parser.add_argument("--topic", default=AWARDS_TOPIC)
    parser.add_argument("--dead-letter-topic", default=DEAD_LETTER_TOPIC)
    parser.add_argument("--seen-db", type=Path, help="SQLite file of handled ids [var/subscribers/<group>.sqlite]")
    parser.add_argument("--max-messages", type=int, help="stop after this many messages")
    parser.add_argument("--timeout", type=float, help="stop after this many seconds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    seen = SQLiteSeenStore(args.seen_db or Path("var") / "subscribers" / f"{args.group}.sqlite")
    subscriber = Subscriber(args.bootstrap, args.group, lambda event: print(describe(event), flush=True),
                            topics=(args.topic,), seen_store=seen, dead_letter_topic=args.dead_letter_topic)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: subscriber.stop())
    with subscriber:
        stats = subscriber.run(max_messages=args.max_messages, timeout=args.timeout)
    print(f"handled {stats.handled}, duplicates dropped {stats.duplicates}, "
          f"dead-lettered {stats.dead_lettered}")


if __name__ == "__main__":
    main()
