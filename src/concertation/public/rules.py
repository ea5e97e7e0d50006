"""Who may turn a territory's public pages on or off: its coordinators (and administrators)."""

import rules

from concertation.spaces.rules import coordinates_territory

rules.add_perm("public.change_public_pages", coordinates_territory)
