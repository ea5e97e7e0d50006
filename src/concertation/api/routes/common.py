"""What every route of the API shares: the declared answers and the list parameters."""

from __future__ import annotations

from ninja import Query, Schema
from pydantic import Field

from ..auth import ApiAuth
from ..errors import ERROR_CODES, ErrorOut
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, page_of

READ = ApiAuth()
WRITE = ApiAuth(write=True)


def answers(schema, status: int = 200) -> dict:
    """The answers an operation declares: its success and the one error format."""
    return {status: schema, ERROR_CODES: ErrorOut}


def list_answers(schema) -> dict:
    return answers(page_of(schema))


class ListParams(Schema):
    cursor: str | None = Field(None, max_length=40, description="next_cursor of the previous page")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


__all__ = ["READ", "WRITE", "answers", "list_answers", "ListParams", "Query"]
