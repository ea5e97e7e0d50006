"""The REST API v1: one NinjaAPI, its routers, its OpenAPI document and its documentation page
served from the instance (ninja's own static files: no outside assets)."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from . import errors
from .routes import decisions, documents, meetings, planning, structure

DESCRIPTION = """The API of Concertation: what a person may see on the pages, for scripts and other tools.

- Authentication: `Authorization: Bearer <token>`, a personal access token created under
  « Mon profil → Mes jetons d'accès » (scope read, or read and write). Without a token, only what
  is public; the documentation page may use the browser's session for reads.
- Lists are paged with a cursor: pass `next_cursor` back as `?cursor=` until it is null.
- Every error is `{"error": {"code", "message", "field"}}`, the message in the caller's language.
- Limits per token and per address: past them, 429 with `Retry-After`.
"""

api = NinjaAPI(
    title="Concertation API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for module in (structure, meetings, decisions, planning, documents):
    api.add_router("/", module.router)
