"""The search index: one row per searchable object of a territory (issue 17).

A row keeps what the object says (title, body, date, link) and only the facts *of the object* that
decide who may see it (its space, an audience level, its author for a draft). Who the person is
(memberships, roles, the visibility of spaces) is read at query time from ``spaces.access``, so a
change of membership, role or space visibility needs no reindex. The full-text part lives beside
the table, in the engine's own structure (an FTS5 table on SQLite, a generated ``tsvector`` column
on PostgreSQL: see ``engines.py`` and the migrations).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    """Who may see an entry, as a fact of the object (the person's side is computed at query time)."""

    ALL = "all", "whoever may open the territory"
    TERRITORY = "territory", "people of the territory (Access.in_territory)"
    SHEET_DRAFT = "sheet_draft", "coordinators of the territory, and the author while in the territory"
    SPACE = "space", "whoever may see the space"
    SPACE_SIGNED_IN = "space_signed_in", "whoever may see the space, signed in"
    SPACE_RUN = "space_run", "who runs the space (facilitation, coordination) and may see it"
    SPACE_DRAFT = "space_draft", "who runs the space, and the author, among those who see it"
    DOC_TERRITORY = "doc_territory", "people of the territory or who run the space, among those who see it"
    DOC_SPACE = "doc_space", "members of the space or who run it, among those who see it"


class Entry(models.Model):
    # The small columns first, the text last: SQLite reads a row's columns in order, and a filter on
    # the audience must not walk through a long body's overflow pages.
    kind = models.CharField(max_length=24)
    object_id = models.PositiveBigIntegerField()
    # None: the instance's own references, found from every territory.
    territory = models.ForeignKey("directory.Territory", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="+")
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    author_id = models.PositiveBigIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    # The object this one is seen through (a comment's target, an agenda item's meeting): its
    # visibility facts are copied from the parent's entry and follow it when the parent changes.
    parent_kind = models.CharField(max_length=24, blank=True)
    parent_id = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=300)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = _("entrée de l'index de recherche")
        verbose_name_plural = _("entrées de l'index de recherche")
        # A person has an entry in each territory she sits in; every other object, one entry.
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "territory"], name="search_entry_once")]
        indexes = [
            models.Index(fields=["territory", "kind"], name="search_entry_territory"),
            models.Index(fields=["parent_kind", "parent_id"], name="search_entry_parent"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
