"""The one place that wires settings, the ledger application and the routers together."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from thidua_events.body_limit import BodyLimit
from thidua_events.tokens import RevocationList, Verifier

from thidua_ledger.access import revoked
from thidua_ledger.api import (
    access,
    accounts,
    audit,
    auth,
    awards,
    catalogue,
    changes,
    clusters,
    commands,
    errors,
    health,
    log,
    organisation,
    statistics,
)
from thidua_ledger.api.fact_routes import FactRoutes
from thidua_ledger.application import Ledger, open_ledger
from thidua_ledger.award_register import StoredAwardRegister
from thidua_ledger.catalogue import StoredCatalogue
from thidua_ledger.settings import Settings, get_settings

# The facts whose body lists the award's recipients, as many as a proposal sheet's rows.
AWARD_FACT_PATHS = ("/facts/AwardProposed", "/facts/AwardConferred", "/facts/AwardRevoked")


def create_app(settings: Settings | None = None, ledger: Ledger | None = None) -> FastAPI:
    settings = settings or get_settings()
    keys = settings.public_keys()  # fail at start-up, not on the first request

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.ledger = ledger or open_ledger(settings)
        app.state.award_register = StoredAwardRegister(app.state.ledger)
        app.state.catalogue = StoredCatalogue(app.state.ledger)
        revocations = RevocationList(lambda: revoked(app.state.ledger), settings.revocations_max_age)
        app.state.verifier = Verifier(keys, settings.token_issuer, settings.token_audience,
                                      settings.token_algorithms.split(","), revocations)
        try:
            with lane.running():
                yield
        finally:
            app.state.ledger.close()

    app = FastAPI(
        title="thidua ledger", version="0.1.0", lifespan=lifespan,
        description="The immutable event log of emulation years. Record facts with a clerk's "
                    "token; read with any token.",
    )
    errors.install(app)
    for module in (health, access, accounts, auth, commands, changes, clusters, awards, log, catalogue, organisation,
                   audit, statistics):
        app.include_router(module.router, responses={**errors.STORE_RESPONSES, **errors.BODY_RESPONSES})
    # The facts first, by one dict lookup (api.fact_routes): they are most of the traffic.
    lane = FactRoutes(commands.router.routes, commands.BODIES)
    app.router.routes.insert(0, lane)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, refuse=errors.body_too_large,
                       larger=dict.fromkeys(AWARD_FACT_PATHS, settings.max_award_body_bytes))
    return app
