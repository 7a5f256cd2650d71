"""Who may write where, and which tokens no longer count: recorded like every other fact,
so an auditor can ask who could write to a cluster on a day, and who granted it.

`account` is the subject (`sub`) of the account's tokens. A grant on an authority covers
the authority's units, people, clusters and decrees; a grant on a cluster covers that
cluster and its years. Only an admin records these facts.
"""

from typing import ClassVar, Self

from pydantic import Field, model_validator

from thidua_events.facts.base import Fact, Id
from thidua_events.invalid import FieldInvalid
from thidua_events.text import Name


class Scope(Fact, abstract=True):
    aggregate: ClassVar[str] = "access"
    account: Name = Field(title="Tài khoản", description="The subject of the account's tokens")
    authority_id: Id | None = Field(None, title="Cơ quan")
    cluster_id: Id | None = Field(None, title="Cụm thi đua")

    @model_validator(mode="after")
    def _one_scope(self) -> Self:
        if (self.authority_id is None) == (self.cluster_id is None):
            raise FieldInvalid("cluster_id" if self.authority_id else "authority_id",
                               "name exactly one of authority_id and cluster_id", code="one-scope")
        return self


class ScopeGranted(Scope):
    """From the effective date the account may write within the authority or the cluster."""

    title_vi: ClassVar[str] = "Cấp quyền ghi"


class ScopeRevoked(Scope):
    """From the effective date the account may no longer write within it."""

    title_vi: ClassVar[str] = "Thu hồi quyền ghi"


class TokenRevoked(Fact):
    """One token (by its `jti`) is refused by every service from now on."""

    title_vi: ClassVar[str] = "Thu hồi token"

    aggregate: ClassVar[str] = "access"
    token_id: Name = Field(title="Mã token", description="The token's `jti`")


class AccountDisabled(Fact):
    """Every token of the account is refused by every service from now on."""

    title_vi: ClassVar[str] = "Khóa tài khoản"

    aggregate: ClassVar[str] = "access"
    account: Name = Field(title="Tài khoản")
