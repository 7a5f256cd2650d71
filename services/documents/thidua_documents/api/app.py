"""The one place that wires settings, storage, the event source and the routers together."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from thidua_events.body_limit import BodyLimit
from thidua_events.tokens import RevocationList, Revoked, Verifier

from thidua_documents.api import (
    bodies,
    cluster_years,
    decrees,
    documents,
    errors,
    health,
    instruments,
    projection,
    proposals,
)
from thidua_documents.ledger_client import LedgerWriter
from thidua_documents.register import Register
from thidua_documents.settings import Settings, get_settings
from thidua_documents.sources import FeedSource, Follower, Source
from thidua_documents.store import Store

log = logging.getLogger(__name__)


def default_source(settings: Settings) -> Source | None:
    if settings.source == "kafka":
        from thidua_documents.kafka_source import KafkaSource  # only production needs a broker client

        return KafkaSource(settings.kafka_bootstrap_servers, settings.kafka_topic, settings.kafka_group)
    if settings.ledger_token_file is not None:
        token_file = settings.ledger_token_file
        return FeedSource(settings.ledger_url, lambda: token_file.read_text().strip())
    if settings.ledger_token is None:
        log.warning("DOCUMENTS_LEDGER_TOKEN(_FILE) is not set: not following the ledger's feed")
        return None
    return FeedSource(settings.ledger_url, settings.ledger_token.get_secret_value())


def ledger_revocations(settings: Settings, client: httpx.Client) -> RevocationList:
    """The ledger's revocation list over HTTP (tests pass a TestClient of a ledger in process)."""
    url = settings.revocation_source()

    def fetch() -> Revoked:
        response = client.get(url)
        response.raise_for_status()
        return Revoked.from_json(response.json())

    return RevocationList(fetch, settings.revocations_max_age)


def create_app(settings: Settings | None = None, source: Source | None = None, follow: bool = True,
               revocations: RevocationList | None = None, ledger: LedgerWriter | None = None) -> FastAPI:
    """`source` replaces the configured one (tests pass a feed over a TestClient); with
    `follow=False` nothing polls, and tests apply pages themselves. `revocations` replaces
    the ledger's list read over HTTP; `ledger` the writer to the ledger's API at
    DOCUMENTS_LEDGER_URL (tests pass the ledger's TestClient)."""
    settings = settings or get_settings()
    keys = settings.public_keys()  # fail at start-up, not on the first request
    own_http = httpx.Client(timeout=2.0) if revocations is None else None
    if own_http is not None:
        revocations = ledger_revocations(settings, own_http)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = Store(settings)
        store.migrate()
        app.state.store = store
        app.state.register = Register(store)
        app.state.ledger = ledger or LedgerWriter(settings.ledger_url)
        own_feed = default_source(settings) if follow and source is None else None
        feed = (source or own_feed) if follow else None
        app.state.follower = Follower(store, feed, settings.poll_interval) if feed else None
        if app.state.follower:
            app.state.follower.start()
        try:
            yield
        finally:
            if app.state.follower:
                app.state.follower.stop()
            if own_feed is not None and hasattr(own_feed, "close"):
                own_feed.close()
            if own_http is not None:
                own_http.close()
            if ledger is None:
                app.state.ledger.close()

    app = FastAPI(title="thidua documents", version="0.1.0", lifespan=lifespan,
                  description="Official documents (Nghị định 30/2020/NĐ-CP) rendered from the ledger's "
                              "facts, numbered in a register, reproducible to the byte. Every route but "
                              "/health takes a bearer token from the ledger (or the configured issuer): "
                              "clerks, auditors and admins read and draft; clerks and admins issue.")
    app.state.settings = settings
    app.state.verifier = Verifier(keys, settings.token_issuer, settings.token_audience,
                                  settings.token_algorithms.split(","),
                                  revocations)
    errors.install(app)
    # bodies and instruments before documents, whose /documents/{document_id} would take their paths
    for module in (health, projection, decrees, cluster_years, proposals, bodies, instruments, documents):
        # Every route but /health takes a token: its 401 and 403 are documented once, here.
        app.include_router(module.router, responses={**(errors.READ_RESPONSES if module is not health else {}),
                                                     **errors.BODY_RESPONSES})
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, refuse=errors.body_too_large)
    return app
