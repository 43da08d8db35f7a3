"""JSON endpoints read the body as JSON whatever Content-Type says.

`curl -d '{"prompt": ...}' URL` (the README's own example) sends
``application/x-www-form-urlencoded``; FastAPI would then refuse a JSON body as "not an object".
Endpoints that take a form (an uploaded CSV) are left alone.
"""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

FORM_PATHS = frozenset({"/backtest", "/market/analyze", "/strategies/optimize"})
_REWRITE = (b"", b"application/x-www-form-urlencoded", b"text/plain")


class JsonByDefault:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT") and get_route_path(scope) not in FORM_PATHS:
            headers = [(k, v) for k, v in scope.get("headers", ()) if k != b"content-type"]
            given = next((v for k, v in scope.get("headers", ()) if k == b"content-type"), b"")
            if given.split(b";")[0].strip().lower() in _REWRITE:
                scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
        await self.app(scope, receive, send)
