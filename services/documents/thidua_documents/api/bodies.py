"""Issuing bodies (cơ quan ban hành): each registered once with its symbol and the numbering
series its head chose; the register numbers their documents from these books."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from thidua_documents.api.deps import IssuerKey, Reader, ScopedWriter, StoreDep, Writer
from thidua_documents.api.errors import REFUSALS, ProblemPublic, UnprocessablePublic
from thidua_documents.books import Body, BodySymbol, Series, bodies, close_term, register_body, register_term
from thidua_documents.books import body as body_of
from thidua_documents.projections import tracked_position
from thidua_documents.snapshot import Snapshot

router = APIRouter(prefix="/documents/issuing-bodies", tags=["issuing bodies"])
_SYMBOL = TypeAdapter(BodySymbol)


class IssuingBodyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["authority", "cluster", "unit"] = Field(description="What the ledger knows the body as")
    id: UUID
    symbol: BodySymbol | None = Field(None, description='In "Số: 05/BB-CTĐ4": capitals, digits, Đ; default: '
                                                        "the symbol the ledger records for an authority or unit")
    series: Series = Field(description="One common series for every document type, or one per type: the "
                                       "head's choice (Nghị định 30/2020, Điều 15)")


class IssuingBodyPublic(BaseModel):
    issuer_key: str
    symbol: str
    series: Series
    registered_by: str
    registered_at: datetime

    @classmethod
    def of(cls, body: Body) -> "IssuingBodyPublic":
        return cls(**vars(body))


def _unprocessable(field: str, message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT,
                         [{"loc": ["body", field], "msg": message, "type": "value_error"}])


@router.post("", status_code=status.HTTP_201_CREATED,
             responses={**REFUSALS, 409: {"model": ProblemPublic,
                              "description": "Already registered, or the symbol is another body's (`rule`)"},
                        422: {"model": UnprocessablePublic,
                              "description": "Unknown body, or a symbol that is not valid"}})
def register_issuing_body(body: IssuingBodyCreate, store: StoreDep, user: Writer,
                          may_issue: ScopedWriter) -> IssuingBodyPublic:
    """Only a writer for the body (a grant on it, or on its authority) sets its symbol and series."""
    key = f"{body.kind}:{body.id}"
    with store.transaction() as tx:
        snap = Snapshot(tx, tracked_position(tx))
        known = {"authority": snap.authority, "cluster": snap.cluster, "unit": snap.unit}[body.kind](body.id)
    if known is None:
        raise _unprocessable("id", f"no {body.kind} {body.id} in the ledger (as far as the documents "
                                   "service has read it)")
    symbol = body.symbol or getattr(known, "symbol", None)
    if symbol is None:
        raise _unprocessable("symbol", f"the ledger records no symbol for this {body.kind}: send one")
    try:
        symbol = _SYMBOL.validate_python(symbol)
    except ValidationError as error:
        raise _unprocessable("symbol", f"the ledger's symbol {symbol!r}: {error.errors()[0]['msg']}") from None
    may_issue(key)  # asked outside the write transaction: the ledger's answer holds no lock
    with store.transaction(write=True) as tx:
        return IssuingBodyPublic.of(register_body(tx, key, symbol, body.series, user.actor))


@router.get("")
def list_issuing_bodies(store: StoreDep, _: Reader) -> list[IssuingBodyPublic]:
    with store.transaction() as tx:
        return [IssuingBodyPublic.of(body) for body in bodies(tx)]


class PartyTermCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: date = Field(description="First day of the committee's term (nhiệm kỳ)")
    ends_on: date | None = Field(None, description="Last day of the term, when known")


class PartyTermPublic(BaseModel):
    issuer_key: str
    starts_on: date
    ends_on: date | None


@router.post("/{issuer_key}/terms", status_code=status.HTTP_201_CREATED,
             responses={**REFUSALS, 404: {"model": ProblemPublic, "description": "No such issuing body"},
                        409: {"model": ProblemPublic,
                              "description": "The term overlaps another, or ends before it starts (`rule`)"}})
def register_party_term(issuer_key: IssuerKey, term: PartyTermCreate, store: StoreDep, user: Writer,
                        may_issue: ScopedWriter) -> PartyTermPublic:
    """A Party body's books run per document type per term (Hướng dẫn 36-HD/VPTW). Only a writer
    for the body registers its terms: a term decides where its documents' numbers restart."""
    with store.transaction() as tx:
        if body_of(tx, issuer_key) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no issuing body {issuer_key} is registered")
    may_issue(issuer_key)
    with store.transaction(write=True) as tx:
        return PartyTermPublic(**vars(register_term(tx, issuer_key, term.starts_on, term.ends_on, user.actor)))


class PartyTermEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ends_on: date = Field(description="Last day of the term, once known")


@router.post("/{issuer_key}/terms/{starts_on}/end",
             responses={**REFUSALS, 404: {"model": ProblemPublic, "description": "No such issuing body"},
                        409: {"model": ProblemPublic,
                              "description": "Not an open term, an end before its start, or a document "
                                             "numbered in it after that day (`rule`)"}})
def end_party_term(issuer_key: IssuerKey, starts_on: date, end: PartyTermEnd, store: StoreDep,
                   may_issue: ScopedWriter) -> PartyTermPublic:
    """Give an open term its end, once (then a later term can be registered); only a writer for the body."""
    with store.transaction() as tx:
        if body_of(tx, issuer_key) is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no issuing body {issuer_key} is registered")
    may_issue(issuer_key)
    with store.transaction(write=True) as tx:
        return PartyTermPublic(**vars(close_term(tx, issuer_key, starts_on, end.ends_on)))
