"""Recording: one POST route per fact type, generated from the contract.

The request body is the fact itself plus the clerk's note (reason, source) and an
optional expected version; actor and role come from the token, never the body.
"""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Request, Response, status
from pydantic import BaseModel, BeforeValidator, Field, create_model
from thidua_events.bounds import MAX_POSITION
from thidua_events.facts import FACTS, Fact, Provenance, Role
from thidua_events.facts.corrections import Correction
from thidua_events.text import Name, Note
from thidua_events.tokens import Verifier

from thidua_ledger.access import check_clerk_may_record
from thidua_ledger.api.deps import Writer
from thidua_ledger.api.errors import WRITE_RESPONSES
from thidua_ledger.api.new_ids import fill_new_id, new_id_field
from thidua_ledger.application import Ledger, Receipt
from thidua_ledger.domain.errors import LedgerError
from thidua_ledger.idempotency import KEY_PATTERN, KeptReceipt, first_receipt, request_hash

router = APIRouter(prefix="/facts")
BODIES: dict[str, type[BaseModel]] = {}  # each route's request model, by path (for api.fact_routes)
NOTE_FIELDS = {"reason", "source_ref", "expected_version"}
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=200, pattern=KEY_PATTERN,
    description="Printable ASCII. Retry-safe: the same key and body return the first receipt and record nothing twice; "
                "the same key with another body is refused (409, rule `idempotency-key-names-one-request`)")]


class ReceiptPublic(BaseModel):
    entity_id: UUID
    version: int = Field(description="The entity's version after this fact")
    position: int = Field(description="The fact's own position in the log")
    ids: dict[str, UUID] = Field(default_factory=dict, description=(
        "The ids of what this fact creates (e.g. `unit_id`, `score_id`), made by the server "
        "where the request left them out"))


def _json_integer(value: Any) -> Any:
    """JSON's true or "5" is no version: pydantic's lax mode read them as 1 and 5. 5.0 is one
    (JSON Schema's integer), and lax mode reads it so."""
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON integer")
    return value


def _create_model(fact_type: type[Fact]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "reason": (Note | None, Field(None, description="Why this is recorded (required for corrections "
                                                           "in a closed year)")),
        "source_ref": (Name | None, Field(None, description="Minutes or decree number")),
        "expected_version": (Annotated[int, Field(ge=0, le=MAX_POSITION), BeforeValidator(_json_integer)] | None,
                             Field(None, description="Refuse with 409 unless the entity is still at this version")),
    }
    if (id_field := new_id_field(fact_type)) is not None:
        fields[id_field] = (UUID | None, Field(None, description="Left out, the server makes it "
                                                                  "(the receipt's `ids`)"))
    if issubclass(fact_type, Correction):  # a correction always says why the original was wrong
        fields["reason"] = (Note, Field(description="Why the original was wrong (required)"))
    # abstract: a request model is not a fact type of its own.
    return create_model(f"{fact_type.__name__}Create", __base__=fact_type, __doc__=fact_type.__doc__,
                        __cls_kwargs__={"abstract": True}, **fields)


def _created(receipt: ReceiptPublic) -> Response:
    # Serialised here: a model returned to FastAPI is validated again, in a thread hop of its
    # own for a plain `def` route, which cost a command more than the receipt itself.
    return Response(receipt.model_dump_json(), status.HTTP_201_CREATED, media_type="application/json")


def _route(fact_type: type[Fact]) -> None:
    body_model = _create_model(fact_type)

    def record(body: body_model, user: Writer, request: Request,  # type: ignore[valid-type]
               idempotency_key: IdempotencyKey = None) -> Response:
        note: Any = body  # its model is made at import time, so the type checker cannot see it
        # The ledger and the verifier from the app's state rather than as dependencies: each
        # dependency FastAPI resolves costs a command about as much as a rule check (issue 17).
        ledger: Ledger = request.app.state.ledger
        if idempotency_key is not None:
            asked = request_hash(fact_type.type_name(), note.model_dump(mode="json", exclude_unset=True))
            if (kept := first_receipt(ledger.recorder, user.subject or user.actor, idempotency_key, asked)):
                return _created(ReceiptPublic.model_validate(kept))
        data = note.model_dump(exclude=NOTE_FIELDS)
        ids = fill_new_id(fact_type, data)
        fact = fact_type.model_validate(data)
        provenance = Provenance(actor=user.actor, role=user.role, reason=note.reason, source_ref=note.source_ref)
        keeper = None if idempotency_key is None else KeptReceipt(
            user.subject or user.actor, idempotency_key, asked, {name: str(value) for name, value in ids.items()})
        def attempt() -> Receipt:
            with ledger.command():  # the scope check and the command share their reads
                if user.role is not Role.ADMIN:
                    check_clerk_may_record(ledger, user.subject, fact)
                return ledger.record(fact, provenance, note.expected_version, keeper)

        try:
            receipt = ledger.retried(attempt, note.expected_version)
        except LedgerError:
            # A retry racing this one with the same key recorded first (this one's receipt then
            # broke the key's uniqueness, and nothing of it was stored): its receipt is the answer.
            if idempotency_key is not None and (kept := first_receipt(ledger.recorder, user.subject or user.actor,
                                                                      idempotency_key, asked)):
                return _created(ReceiptPublic.model_validate(kept))
            raise
        verifier: Verifier = request.app.state.verifier
        if fact.aggregate == "access" and verifier.revocations:
            verifier.revocations.expire()  # this process sees its own revocation at once
        return _created(ReceiptPublic(entity_id=receipt.entity_id, version=receipt.version,
                                      position=receipt.position, ids=ids))

    BODIES[f"{router.prefix}/{fact_type.type_name()}"] = body_model
    router.add_api_route(
        f"/{fact_type.type_name()}", record, methods=["POST"], status_code=status.HTTP_201_CREATED,
        response_model=ReceiptPublic, tags=[fact_type.aggregate], summary=f"Record {fact_type.type_name()}",
        description=(fact_type.__doc__ or "").strip(), operation_id=f"record_{fact_type.type_name()}",
        responses=WRITE_RESPONSES,
    )


for _fact_type in list(FACTS.values()):
    _route(_fact_type)
