"""Request-scoped dependencies, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from thidua_ledger.application import Ledger
from thidua_ledger.settings import Settings


def _ledger(request: Request) -> Ledger:
    return request.app.state.ledger  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


LedgerDep = Annotated[Ledger, Depends(_ledger)]
SettingsDep = Annotated[Settings, Depends(_settings)]
