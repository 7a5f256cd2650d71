"""Awards (khen thưởng): proposals, decrees that confer or revoke, and the rule that
one achievement is not rewarded twice (Luật Thi đua, khen thưởng 2022)."""

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event
from thidua_events.facts.awards import (
    AwardConferred,
    AwardKindRegistered,
    AwardProposed,
    AwardRevoked,
    Recipient,
)
from thidua_events.facts.awards import (
    Decree as DecreeFact,
)
from thidua_events.text import comparison_key

from thidua_ledger.domain.entity import Entity, applies
from thidua_ledger.domain.errors import check

_CLAIMS = UUID("6f1c1f0e-4a53-4d0c-9a1e-2d6c8a7b9e10")
_KINDS = UUID("3d0f5a8e-8b7c-4c1e-9f2a-5e6d7c8b9a01")
_NUMBERS = UUID("a4e2c9d1-6b3f-4e8a-8c5d-1f2e3d4c5b60")


def award_kind_id(authority_id: UUID, name: str) -> UUID:
    return uuid5(_KINDS, f"{authority_id}|{comparison_key(name)}")


class AwardKind(Entity):
    """One kind of award in an authority's catalogue (Cờ thi đua, Bằng khen, Giấy khen, ...)."""

    @classmethod
    def id_of(cls, fact: AwardKindRegistered) -> UUID:  # type: ignore[override]
        return award_kind_id(fact.authority_id, fact.name)

    @applies
    def _(self, fact: AwardKindRegistered) -> None:
        self.authority_id = fact.authority_id
        self.name = fact.name
        self.level = fact.level


def check_award_kind_registered_once(fact: AwardKindRegistered, registered: bool) -> None:
    check(not registered, "award-kind-registered-once",
          f"authority {fact.authority_id} already has “{fact.name}” in its catalogue (names are compared "
          "ignoring case, Unicode form and repeated spaces)")


def check_award_kind_in_catalogue(fact: AwardProposed | DecreeFact, kind: AwardKind | None) -> None:
    """A decree names a kind its authority registered: another spelling of a registered kind
    is that kind, and cannot get around "one achievement, one award"."""
    check(kind is not None, "award-kind-in-catalogue",
          f"“{fact.award_kind}” is not in the catalogue of authority {fact.authority_id}; record "
          "AwardKindRegistered first")


def check_award_year_not_after_decree(fact: DecreeFact) -> None:
    check(fact.year <= fact.decree_date.year, "award-year-not-after-decree",
          f"a decree dated {fact.decree_date} cannot reward the year {fact.year}")


def decree_number_id(fact: DecreeFact) -> UUID:
    return uuid5(_NUMBERS, f"{fact.authority_id}|{fact.decree_date.year}|{comparison_key(fact.decree_no)}")


class DecreeNumber(Aggregate):
    """A decree number taken by an authority in a year. Its id is derived from the three, so two
    decrees racing for one number collide in the event store. Internal: not published."""

    @staticmethod
    def create_id(authority_id: UUID, year: int, decree_no: str, decree_id: UUID) -> UUID:
        return uuid5(_NUMBERS, f"{authority_id}|{year}|{comparison_key(decree_no)}")

    @event("Taken")
    def __init__(self, authority_id: UUID, year: int, decree_no: str, decree_id: UUID) -> None:
        self.decree_id = decree_id


def check_decree_number_free(fact: DecreeFact, taken_by: UUID | None) -> None:
    check(taken_by is None, "decree-number-unique-per-authority-and-year",
          f"decree number {fact.decree_no} of {fact.decree_date.year} is already used by decree {taken_by} "
          f"of authority {fact.authority_id}")


class AwardProposal(Entity):
    """A proposal (tờ trình) for an award."""

    id_field = "proposal_id"

    @applies
    def _(self, fact: AwardProposed) -> None:
        self.fact = fact


class Decree(Entity):
    """A decree (quyết định) that confers an award on recipients, or revokes one."""

    id_field = "decree_id"

    @applies
    def _(self, fact: AwardConferred) -> None:
        self.fact: AwardConferred | AwardRevoked = fact

    @applies
    def _(self, fact: AwardRevoked) -> None:
        self.fact = fact


def claim_id(award_kind: str, year: int, subject_id: UUID) -> UUID:
    return uuid5(_CLAIMS, f"{comparison_key(award_kind)}|{year}|{subject_id}")


class AwardClaim(Aggregate):
    """The one place that knows whether an award kind was given to a recipient for a year.

    Its id is derived from (kind, year, recipient), so two decrees that race to give the
    same award collide in the event store instead of both succeeding. Internal to the
    ledger: it carries no contract fact and is not published.
    """

    @staticmethod
    def create_id(award_kind: str, year: int, subject_id: UUID, decree_id: UUID) -> UUID:
        return claim_id(award_kind, year, subject_id)

    @event("Claimed")
    def __init__(self, award_kind: str, year: int, subject_id: UUID, decree_id: UUID) -> None:
        self.decree_id: UUID | None = decree_id

    @event("Reclaimed")
    def _reclaim(self, decree_id: UUID) -> None:
        self.decree_id = decree_id

    @event("Released")
    def _release(self, revoked_by: UUID) -> None:
        self.decree_id = None

    def reclaim(self, decree_id: UUID, recipient: Recipient) -> None:
        check(self.decree_id is None, "one-achievement-one-award",
              f"recipient {recipient.subject_id} already holds this award for the year "
              f"by decree {self.decree_id}")
        self._reclaim(decree_id=decree_id)

    def release(self, revoked_by: UUID, conferred_by: UUID, recipient: Recipient) -> None:
        check(self.decree_id == conferred_by, "revoke-a-standing-award",
              f"recipient {recipient.subject_id} does not hold the award of decree {conferred_by}")
        self._release(revoked_by=revoked_by)


def check_revocation(fact: AwardRevoked, conferral: Decree) -> None:
    original = conferral.fact
    check(isinstance(original, AwardConferred), "revoke-a-conferral",
          f"decree {fact.revokes_decree_id} does not confer an award")
    # "Cấp nào quyết định khen thưởng thì cấp đó có thẩm quyền hủy bỏ": authorities share the names
    # of their awards, and an award's claim is keyed by that name, not by who gave it.
    check(original.authority_id == fact.authority_id, "revoked-by-the-conferring-authority",
          f"decree {fact.revokes_decree_id} was issued by authority {original.authority_id}; only it "
          f"revokes it, not authority {fact.authority_id}")
    check(comparison_key(original.award_kind) == comparison_key(fact.award_kind) and original.year == fact.year,
          "revocation-matches-conferral",
          f"decree {fact.revokes_decree_id} conferred {original.award_kind} for {original.year}")
    check(fact.decree_date >= original.decree_date and fact.effective_date >= original.effective_date,
          "revoke-after-the-decree",
          f"decree {fact.revokes_decree_id} is dated {original.decree_date} (effective "
          f"{original.effective_date}); its revocation cannot come before")
    conferred = {r.subject_id for r in original.recipients}
    for recipient in fact.recipients:
        check(recipient.subject_id in conferred, "revoke-a-conferred-recipient",
              f"{recipient.subject_id} is not a recipient of decree {fact.revokes_decree_id}")

