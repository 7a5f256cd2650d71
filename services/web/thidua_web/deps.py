"""The dependencies pages take: the backends called as the signed-in person, under the page's clocks.

    def my_page(request: Request, ledger: LedgerDep) -> HTMLResponse:
        year = ledger.cluster_year(cluster_id, 2019)   # Authorization and clocks are added
        return render(request, "my_feature/page.html", {"year": year})
"""

from typing import Annotated

from fastapi import Depends, Request

from thidua_web.clients import DocumentsClient, LedgerClient
from thidua_web.clocks import Clocks, page_clocks
from thidua_web.session import Session, signed_in
from thidua_web.settings import Settings


def browser_address(request: Request) -> str | None:
    """The browser's address, forwarded to the ledger, which limits failed sign-ins per address."""
    return request.client.host if request.client else None


def ledger_client(request: Request, session: Annotated[Session, Depends(signed_in)],
                  clocks: Annotated[Clocks, Depends(page_clocks)]) -> LedgerClient:
    return LedgerClient(request.app.state.ledger_http, session.token, clocks, browser_address(request))


def documents_client(request: Request, session: Annotated[Session, Depends(signed_in)],
                     clocks: Annotated[Clocks, Depends(page_clocks)]) -> DocumentsClient:
    return DocumentsClient(request.app.state.documents_http, session.token, clocks, browser_address(request))


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


LedgerDep = Annotated[LedgerClient, Depends(ledger_client)]
DocumentsDep = Annotated[DocumentsClient, Depends(documents_client)]
SettingsDep = Annotated[Settings, Depends(settings_of)]
