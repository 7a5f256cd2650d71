"""The contract refuses malformed facts before any rule or store sees them (pydantic)."""

import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError
from thidua_events.facts import Provenance, Role
from thidua_events.facts.awards import AwardConferred, Recipient, RecipientKind
from thidua_events.facts.organisation import AuthorityRegistered, UnitRegistered
from thidua_events.facts.year import (
    BallotHeld,
    CriteriaAdopted,
    Criterion,
    LeadershipElected,
    ScoreKind,
    ScoreRecorded,
    Vote,
    YearClosed,
)
from thidua_events.versions import decode_fact
from thidua_ledger.transcoding import FactAsJSON, ProvenanceAsJSON

CLUSTER = uuid4()
A, B, C = uuid4(), uuid4(), uuid4()
NAME = "Phòng Công tác Đảng - Công tác Chính trị"


def year_fields(**fields: Any) -> dict[str, Any]:
    return {"effective_date": date(2019, 11, 14), "cluster_id": CLUSTER, "year": 2019, **fields}


def ballot(issued: int, returned: int, valid: int, *votes: tuple[Any, int]) -> BallotHeld:
    return BallotHeld(**year_fields(ballot_id=uuid4(), subject="Cờ thi đua của Bộ Công an", issued=issued,
                                    returned=returned, valid=valid,
                                    votes=tuple(Vote(unit_id=u, votes=n) for u, n in votes)))


def unit(name: str, **fields: Any) -> UnitRegistered:
    return UnitRegistered(effective_date=date(2016, 1, 1), unit_id=uuid4(), name=name,
                          authority_id=uuid4(), **fields)


def decree(*recipients: Recipient) -> AwardConferred:
    return AwardConferred(effective_date=date(2020, 1, 20), decree_id=uuid4(), decree_no="05/QĐ-BCA",
                          decree_date=date(2020, 1, 20), authority_id=uuid4(), signer="Bộ trưởng",
                          award_kind="Cờ thi đua của Bộ Công an", year=2019, recipients=recipients)


# Leadership (cụm trưởng, cụm phó)


def test_leader_and_deputy_must_be_different_units() -> None:
    with pytest.raises(ValidationError, match="leader and deputy must be different units"):
        LeadershipElected(**year_fields(for_year=2020, leader_unit_id=A, deputy_unit_id=A))


def test_leader_without_deputy_is_valid() -> None:
    assert LeadershipElected(**year_fields(for_year=2020, leader_unit_id=A)).deputy_unit_id is None


def test_election_is_for_the_following_year() -> None:
    with pytest.raises(ValidationError, match="is for 2020, not 2021"):
        LeadershipElected(**year_fields(for_year=2021, leader_unit_id=A, deputy_unit_id=B))


# Ballots (bỏ phiếu kín): votes for one candidate ≤ valid ≤ returned ≤ issued


def test_ballot_whose_counts_nest_is_valid() -> None:
    held = ballot(10, 10, 10, (A, 10), (B, 0))
    assert (held.issued, held.returned, held.valid) == (10, 10, 10)


def test_valid_ballots_cannot_exceed_returned() -> None:
    with pytest.raises(ValidationError, match="valid ≤ returned ≤ issued"):
        ballot(10, 8, 9)


def test_returned_ballots_cannot_exceed_issued() -> None:
    with pytest.raises(ValidationError, match="valid ≤ returned ≤ issued"):
        ballot(10, 11, 9)


def test_votes_for_one_candidate_cannot_exceed_valid_ballots() -> None:
    with pytest.raises(ValidationError, match="exceed valid ballots"):
        ballot(10, 9, 8, (A, 9))


def test_a_candidate_appears_once_in_a_ballot() -> None:
    with pytest.raises(ValidationError, match="appears twice"):
        ballot(10, 10, 10, (A, 3), (A, 4))


def test_ballot_counts_are_not_negative() -> None:
    with pytest.raises(ValidationError):
        ballot(10, 10, -1)


# Points and criteria (tiêu chí, thang điểm)


def test_points_cannot_be_negative() -> None:
    with pytest.raises(ValidationError):
        ScoreRecorded(**year_fields(score_id=uuid4(), unit_id=A, criterion_code="1", points=Decimal("-1"),
                                    kind=ScoreKind.SELF))


def test_points_have_at_most_two_decimal_places() -> None:
    with pytest.raises(ValidationError):
        ScoreRecorded(**year_fields(score_id=uuid4(), unit_id=A, criterion_code="1",
                                    points=Decimal("1.005"), kind=ScoreKind.SELF))


def test_children_of_a_criterion_cannot_exceed_its_maximum() -> None:
    with pytest.raises(ValidationError, match="add up to 31"):
        Criterion(code="1", title="Xây dựng lực lượng", max_points=Decimal(30), children=(
            Criterion(code="1.1", title="Chính trị", max_points=Decimal(20)),
            Criterion(code="1.2", title="Tổ chức", max_points=Decimal(11)),
        ))


def test_criterion_code_is_dotted_alphanumerics() -> None:
    with pytest.raises(ValidationError):
        Criterion(code="1 .2", title="Tổ chức", max_points=Decimal(10))


def test_criteria_cannot_be_empty() -> None:
    with pytest.raises(ValidationError):
        CriteriaAdopted(**year_fields(criteria=()))


# Text: NFC, trimmed, no control characters


def test_nfd_text_is_stored_as_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", NAME)
    assert decomposed != NAME
    assert unit(decomposed).name == NAME


def test_names_are_trimmed() -> None:
    assert unit(f"  {NAME}  ").name == NAME


@pytest.mark.parametrize("bad", ["\x00", "\t", "\n", "\x1b", "\u200b", "\u202e", "\ufeff"],
                         ids=["nul", "tab", "newline", "escape", "zero-width-space", "rtl-override", "bom"])
def test_control_characters_are_rejected_in_names(bad: str) -> None:
    with pytest.raises(ValidationError, match="control characters"):
        unit(f"Phòng{bad}Tham mưu")


def test_notes_keep_line_breaks() -> None:
    provenance = Provenance(actor="Thư ký", role=Role.CLERK, reason="Dòng một\nDòng hai")
    assert provenance.reason == "Dòng một\nDòng hai"


def test_notes_reject_other_control_characters() -> None:
    with pytest.raises(ValidationError, match="control characters"):
        Provenance(actor="Thư ký", role=Role.CLERK, reason="Sai\x07sót")


def test_provenance_reason_is_nfc() -> None:
    reason = "Chấm lại theo biên bản kiểm tra chéo"
    provenance = Provenance(actor="Thư ký", role=Role.CLERK, reason=unicodedata.normalize("NFD", reason))
    assert provenance.reason == reason


@pytest.mark.parametrize("blank", ["", "   "])
def test_names_cannot_be_blank(blank: str) -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        unit(blank)


@pytest.mark.parametrize("symbol", ["catp", "CA TP", "-CATP"])
def test_symbol_is_upper_case_without_spaces(symbol: str) -> None:
    with pytest.raises(ValidationError):
        AuthorityRegistered(effective_date=date(2016, 1, 1), authority_id=uuid4(), name="Công an thành phố",
                            symbol=symbol)


def test_symbol_accepts_d_with_stroke_and_hyphens() -> None:
    assert unit(NAME, symbol="PX05-ĐT").symbol == "PX05-ĐT"


# Dates and years


@pytest.mark.parametrize("day", ["2019-02-30", "2018-02-29", "2019-13-01", "2019-04-31", "14-11-2019"])
def test_invalid_dates_are_rejected(day: str) -> None:
    with pytest.raises(ValidationError):
        YearClosed.model_validate({"effective_date": day, "cluster_id": str(CLUSTER), "year": 2019})


def test_leap_day_is_a_valid_date() -> None:
    closed = YearClosed.model_validate({"effective_date": "2020-02-29", "cluster_id": str(CLUSTER),
                                        "year": 2020})
    assert closed.effective_date == date(2020, 2, 29)


@pytest.mark.parametrize("year", [1944, 2101])
def test_year_lies_within_the_contracts_range(year: int) -> None:
    with pytest.raises(ValidationError):
        YearClosed(effective_date=date(2019, 12, 31), cluster_id=CLUSTER, year=year)


# Shape of facts


def test_unknown_fields_are_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        YearClosed.model_validate({"effective_date": "2019-12-31", "cluster_id": str(CLUSTER),
                                   "year": 2019, "closed_by": "Thư ký"})


def test_facts_are_immutable() -> None:
    closed = YearClosed(effective_date=date(2019, 12, 31), cluster_id=CLUSTER, year=2019)
    with pytest.raises(ValidationError):
        closed.year = 2020


# Award recipients (tập thể, cá nhân)


def test_collective_recipient_names_a_unit_and_no_person() -> None:
    with pytest.raises(ValidationError, match="collective"):
        Recipient(kind=RecipientKind.COLLECTIVE, unit_id=A, person_id=B)
    with pytest.raises(ValidationError, match="collective"):
        Recipient(kind=RecipientKind.COLLECTIVE, person_id=B)


def test_individual_recipient_names_a_person_and_no_unit() -> None:
    with pytest.raises(ValidationError, match="individual"):
        Recipient(kind=RecipientKind.INDIVIDUAL, unit_id=A)


def test_a_recipient_appears_once_in_a_decree() -> None:
    twice = Recipient(kind=RecipientKind.COLLECTIVE, unit_id=A)
    with pytest.raises(ValidationError, match="appears twice"):
        decree(twice, twice)


def test_a_decree_names_at_least_one_recipient() -> None:
    with pytest.raises(ValidationError):
        decree()


# The stored form (transcoding) gives back what went in


def test_fact_survives_its_stored_json() -> None:
    criteria = CriteriaAdopted(**year_fields(criteria=(
        Criterion(code="1", title="Xây dựng lực lượng", max_points=Decimal("30.00"), children=(
            Criterion(code="1.1", title="Chính trị", max_points=Decimal("12.50")),)),
    )))
    stored = FactAsJSON(CriteriaAdopted).encode(criteria)
    back = decode_fact("CriteriaAdopted", stored["v"], stored["data"])
    assert back == criteria
    assert str(back.criteria[0].children[0].max_points) == "12.50"
    assert isinstance(back.criteria[0].children, tuple)


def test_provenance_survives_its_stored_json() -> None:
    provenance = Provenance(actor="Thư ký", role=Role.CLERK, reason="Sửa điểm", source_ref="BB-07")
    transcoding = ProvenanceAsJSON()
    assert transcoding.decode(transcoding.encode(provenance)) == provenance
