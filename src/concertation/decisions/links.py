"""Links that apps above decisions add to a proposal's page ("what to do with this decision").

Decisions sits below meetings and planning and never imports them: an app that wants a link on a
proposal's page registers a provider from its own ``AppConfig.ready()`` (planning registers
« Ajuster le plan »). A provider takes the proposal and the person and returns the links that
person may follow, each a ``ProposalLink``; it decides alone whether to show anything, reads
only what it needs (the page's query budget counts it) and answers ``[]`` when it has nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProposalLink:
    label: str
    url: str
    # What the link does, for screen readers and the title attribute (optional).
    description: str = ""


Provider = Callable[..., list[ProposalLink]]
_providers: dict[str, Provider] = {}


def register_proposal_links(key: str, provider: Provider) -> None:
    """Register (or replace, so that a reload never doubles it) the provider named ``key``."""
    _providers[key] = provider


def proposal_links(proposal, user) -> list[ProposalLink]:
    """Every registered provider's links for this proposal and this person, in registration order."""
    links: list[ProposalLink] = []
    for provider in _providers.values():
        links.extend(provider(proposal=proposal, user=user))
    return links
