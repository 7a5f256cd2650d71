"""The ledger's Kafka topics and which facts go where (the relay publishes, subscribers read)."""

EVENTS_TOPIC = "thidua.ledger.events"
"""Every fact the ledger records, in log order per key."""

AWARDS_TOPIC = "thidua.ledger.awards"
"""Award decisions only: what personnel records, finance and dashboards act on."""

DEAD_LETTER_TOPIC = "thidua.ledger.awards.dlq"
"""Where the subscriber client sets aside messages that fail validation."""

AWARD_TYPES = frozenset(
    {"AwardConferred", "AwardRevoked", "UnitsHonoured", "RotatingFlagHandedOver", "LeadershipElected"}
)
