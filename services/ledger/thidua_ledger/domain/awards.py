"""Awards (khen thưởng): proposals, decrees that confer or revoke, and the rule that
one achievement is not rewarded twice (Luật Thi đua, khen thưởng 2022)."""

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event
from thidua_events.facts.awards import AwardConferred, AwardProposed, AwardRevoked, Recipient

from thidua_ledger.domain.entity import Entity, applies
from thidua_ledger.domain.errors import check

_CLAIMS = UUID("6f1c1f0e-4a53-4d0c-9a1e-2d6c8a7b9e10")


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
    return uuid5(_CLAIMS, f"{award_kind.casefold()}|{year}|{subject_id}")


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
    check(original.award_kind == fact.award_kind and original.year == fact.year,
          "revocation-matches-conferral",
          f"decree {fact.revokes_decree_id} conferred {original.award_kind} for {original.year}")
    conferred = {r.subject_id for r in original.recipients}
    for recipient in fact.recipients:
        check(recipient.subject_id in conferred, "revoke-a-conferred-recipient",
              f"{recipient.subject_id} is not a recipient of decree {fact.revokes_decree_id}")

