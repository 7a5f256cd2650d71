"""Signing in: a person's name and password for a short-lived token, from the same issuer
code as `ledger token`. One answer (401) for every wrong name, wrong password or disabled
account; too many failures (per account or per client address) answer 429 with Retry-After."""

from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Body, HTTPException, Request, status
from pydantic import BaseModel, Field, SecretStr, ValidationError
from thidua_events.text import Name
from thidua_events.tokens import issue_token, max_lifetime

from thidua_ledger.access import access_register
from thidua_ledger.accounts import Accounts, SignInRefused, TooManyFailures
from thidua_ledger.api.deps import LedgerDep, SettingsDep
from thidua_ledger.api.errors import ProblemPublic

router = APIRouter(tags=["access"])


def client_address(request: Request, trusted_proxies: str) -> str:
    """The address failed sign-ins are counted under. Behind a trusted proxy, the nearest address
    in X-Forwarded-For that is not itself a trusted proxy (the ones before it could be forged)."""
    trusted = {address.strip() for address in trusted_proxies.split(",") if address.strip()}
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted:
        return peer
    forwarded = [hop.strip() for header in request.headers.getlist("X-Forwarded-For") for hop in header.split(",")]
    for hop in reversed([hop for hop in forwarded if hop]):
        if hop not in trusted:
            return hop
    return peer
M = TypeVar("M", bound=BaseModel)
Audience = Literal["ledger", "documents"]


class SignIn(BaseModel):
    name: Name = Field(title="Tên đăng nhập")
    password: SecretStr = Field(min_length=1, max_length=1024, title="Mật khẩu")
    audience: list[Audience] = Field(["ledger", "documents"], min_length=1, title="Dịch vụ",
                                     description="The services the token is for")


class TokenPublic(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    audience: list[Audience]


def validate_without_echo(model: type[M], body: dict[str, Any]) -> M:
    """A body holding a password, validated here rather than by FastAPI, whose 422 echoes the
    input: the password with it."""
    try:
        return model.model_validate(body)
    except ValidationError as error:
        detail = [{"loc": ["body", *error_["loc"]], "msg": error_["msg"], "type": error_["type"]}
                  for error_ in error.errors(include_url=False, include_context=False, include_input=False)]
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail) from None


@router.post("/auth/token", responses={401: {"model": ProblemPublic, "description": "Wrong name or password"},
                                       429: {"model": ProblemPublic, "description": "Too many failed sign-ins; "
                                             "retry after `Retry-After` seconds"}},
             # The body is read as a plain object (see validate_without_echo); the document still states its form.
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": SignIn.model_json_schema()}}}})
def sign_in(body: Annotated[dict[str, Any], Body(examples=[{"name": "Trần Văn Thư ký", "password": "…"}])],
            request: Request, ledger: LedgerDep, settings: SettingsDep) -> TokenPublic:
    """A person's token (hours, like `ledger token`'s) for their name and password."""
    form = validate_without_echo(SignIn, body)
    register = access_register(ledger)
    client = client_address(request, settings.trusted_proxies)
    try:
        account = Accounts(ledger.recorder).sign_in(form.name, form.password.get_secret_value(), client,
                                                    lambda name: register is not None and name in register.disabled)
    except TooManyFailures as error:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, str(error),
                            {"Retry-After": str(error.retry_after)}) from None
    except SignInRefused as error:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(error), {"WWW-Authenticate": "Bearer"}) from None
    valid_for = max_lifetime(account.role)
    token = issue_token(settings.signing_key(), settings.token_issuer, account.name, account.role,
                        form.audience, valid_for)
    return TokenPublic(access_token=token, expires_in=int(valid_for.total_seconds()), audience=form.audience)
