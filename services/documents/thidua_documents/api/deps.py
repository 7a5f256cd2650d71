"""Request-scoped dependencies, as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from thidua_documents.register import Register
from thidua_documents.settings import Settings
from thidua_documents.store import Store


def _register(request: Request) -> Register:
    return request.app.state.register


def _store(request: Request) -> Store:
    return request.app.state.store


def _settings(request: Request) -> Settings:
    return request.app.state.settings


RegisterDep = Annotated[Register, Depends(_register)]
StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
