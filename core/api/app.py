"""The FastAPI application: the endpoints, bearer-key auth, error bodies and the body-size limit.

``create_api()`` builds the app whose routes start at ``/`` (mounted at ``/api`` inside the Streamlit
server by app.py); ``core.api.app`` wraps it at ``/api`` so ``uvicorn core.api:app`` answers the same
URLs on its own.
"""

from __future__ import annotations

from fastapi import FastAPI

from core.api import errors, library, routes
from core.api.jsonbody import JsonByDefault
from core.api.limits import BodyLimit

API_PREFIX = "/api"
DESCRIPTION = (
    "Strategy Studio's REST API. Every call needs `Authorization: Bearer KEY` with a personal key "
    "from the Settings page (or `python -m core keys create --user USER`). A call made with a key is "
    "that user's call: their quota, their ledger, their strategies. Errors are "
    '`{"error_code", "message", ...}`; money is a decimal string of US dollars.'
)


def create_api() -> FastAPI:
    api = FastAPI(title="Strategy Studio API", version="1", description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url="/docs", redoc_url=None)
    api.add_middleware(JsonByDefault)
    api.add_middleware(BodyLimit)
    errors.install(api)
    api.include_router(routes.router)
    api.include_router(library.router)
    return api


def create_standalone() -> FastAPI:
    # The outer app answers paths that never reach the mount (e.g. a control character in the path)
    # with the same JSON error body.
    outer = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    errors.install(outer)
    outer.mount(API_PREFIX, create_api())
    return outer
