"""Permissions of the territory's portrait (package `rules`).

Seeing the portrait follows the territory: whoever may open the territory (its members and
coordinators, and anyone when the territory has a public space) sees its portrait — the figures
are public statistics with their sources. Changing it (add, edit, delete, import) is for the
territory's coordinators.
"""

import rules

from concertation.spaces.rules import coordinates_territory

rules.add_perm("knowledge.change_portrait", coordinates_territory)
