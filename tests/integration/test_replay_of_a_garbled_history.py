"""The auditors' replay of a year whose stored history was written over behind the ledger's
back never reports that it matches. The replay and the live read it is compared with both
read the raw rows; an event whose state carries no fact (an intruder wrote `{}`, or another
event's state, over it) was left out of both, so the two agreed and the report said
"matches". Now the comparison refuses the history (stored-history-consistent)."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from thidua_events.facts.year import CriteriaAdopted, ScoreKind, ScoreRecorded
from thidua_ledger.application import Ledger
from thidua_ledger.audit.replay import replay_year
from thidua_ledger.audit.stored_history import StoredHistoryInconsistent
from thidua_ledger.domain.year import year_id
from thidua_ledger.settings import Settings

from tests.factories import CLERK, ClusterSetup, wide_scale
from tests.intruder import tamper

ONLY_A_MOMENT = b'{"timestamp":{"_type_":"datetime_iso","_data_":"2020-01-01T00:00:00+00:00"}}'


@pytest.mark.parametrize("state", [b"{}", ONLY_A_MOMENT])
def test_a_year_event_written_over_is_never_reported_as_matching(
        ledger: Ledger, ledger_settings: Settings, cluster: ClusterSetup, state: bytes) -> None:
    c = cluster.cluster_id
    ledger.record(CriteriaAdopted(effective_date=date(2019, 1, 5), cluster_id=c, year=2019,
                                  criteria=wide_scale(3)), CLERK)
    for n in range(3):
        ledger.record(ScoreRecorded(effective_date=date(2019, 11, 1), cluster_id=c, year=2019, score_id=uuid4(),
                                    unit_id=cluster.units[n], criterion_code=str(n + 1), points=Decimal(10),
                                    kind=ScoreKind.SELF), CLERK)
    year = year_id(c, 2019)  # versions 1 to 5: opened, criteria, three scores; the last is written over
    tamper(ledger_settings, "UPDATE {events} SET state = ? WHERE originator_id = ? AND originator_version = 5",
           (state, year.hex if ledger_settings.store == "sqlite" else year))
    try:
        report = replay_year(ledger, c, 2019)
    except StoredHistoryInconsistent as refused:
        assert "version 5" in str(refused)
    else:
        assert not report.matches, "a history with an event written over was reported as matching the log"
