"""The demo territory's public window (issue 18): its coordinator opts in, through the service (an
audit row like any coordinator's switch), when territory.toml says ``public_pages = true``."""

from __future__ import annotations

from concertation.demo.context import ACCOUNT_EMAILS, DemoContext, data
from concertation.public.services import public_pages_set
from concertation.spaces.access import forget_access


def build_public_pages(ctx: DemoContext) -> None:
    if data("territory").get("public_pages"):
        coordinator = ctx.person(ACCOUNT_EMAILS["coordinator"])
        forget_access(coordinator)  # she coordinates the territory since the step before
        public_pages_set(territory=ctx.territory, enabled=True, by=coordinator)
