"""The ledger's one-pass transcoder and eventsourcing's stock one, with the transcodings the
Ledger registers: what the decoding tests compare."""

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex
from thidua_ledger.transcoding import LedgerTranscoder, ledger_transcodings


def transcoders() -> tuple[LedgerTranscoder, JSONTranscoder]:
    fast, stock = LedgerTranscoder(), JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), *ledger_transcodings()):  # as Ledger's
        fast.register(transcoding)
        stock.register(transcoding)
    return fast, stock
