"""``concertation demo``: migrate, load the demo territory, print the demo accounts, serve.

The absolute links the site writes (notices, .ics files, calendar feeds, invitations) come from
``SITE_URL``. Unless the environment sets it, the demo sets it to the address it serves,
``--addrport`` as given, with a wildcard host (0.0.0.0, ::) replaced by 127.0.0.1. The host of that
address is added to ALLOWED_HOSTS; to serve other machines through a wildcard address, set
ALLOWED_HOSTS and SITE_URL (e.g. ``SITE_URL=http://192.168.1.20:8000``).

The demo serves the product's own error pages, never Django's technical ones (they show the
settings and the code): ``concertation demo`` starts with the local settings (DEBUG on: a plain
http address, a SECRET_KEY generated once and kept in the data directory, static files found by
whitenoise) and turns DEBUG off before serving (``serve_as_the_product``).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from concertation.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, TERRITORY_SLUG, load_demo
from concertation.demo.timeline import day_text

DEFAULT_ADDRPORT = "127.0.0.1:8000"


def url_for(addrport: str) -> str:
    """The address to open in a browser for ``runserver``'s HOST:PORT (or PORT alone)."""
    host, _, port = addrport.rpartition(":")
    if not host:
        host = "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:
        host = "127.0.0.1"
    return f"http://{host}:{port or '8000'}/"


def host_of(addrport: str) -> str:
    """The host name of the demo's address, as ALLOWED_HOSTS writes it (``[::1]`` for IPv6)."""
    return url_for(addrport).removeprefix("http://").rstrip("/").rsplit(":", 1)[0]


def serve_as_the_product(addrport: str) -> None:
    """Serve with DEBUG off: a missing page or a failure answers with the product's 404 and 500
    pages. Only DEBUG changes: the settings derived from it at start (cookies without Secure and no
    HTTPS redirect for the plain http address, static files found by whitenoise) stay those of the
    local demo; uploaded files are sent by the views that check who asks, whatever DEBUG says."""
    settings.DEBUG = False
    host = host_of(addrport)
    if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]


def static_files_missing() -> bool:
    """With hashed static files (DEBUG off in the environment), they must be collected first."""
    return settings.STATIC_MANIFEST and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists()


def configure_site_url(addrport: str) -> str:
    """Point SITE_URL at the address the demo serves, unless the environment chose one."""
    if not os.environ.get("SITE_URL"):
        settings.SITE_URL = url_for(addrport).rstrip("/")
    return settings.SITE_URL


class Command(BaseCommand):
    help = (
        "Migrate the database, load the demo territory (Table de quartier Pointe-aux-Hérons), print "
        "the demo accounts, then serve the site for local use."
    )
    def add_arguments(self, parser):
        parser.add_argument(
            "--addrport", default=DEFAULT_ADDRPORT,
            help=f"Address and port to serve on (default {DEFAULT_ADDRPORT}).",
        )
        parser.add_argument("--reset", action="store_true", help="Delete the demo territory and accounts, then rebuild them.")
        parser.add_argument("--load-only", action="store_true", help="Load the demo and exit without serving.")

    def handle(self, *args, addrport: str, reset: bool, load_only: bool, **options):
        verbosity = options.get("verbosity", 1)
        self.stdout.write("Migration de la base de données / migrating the database…")
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout, stderr=self.stderr)

        self.stdout.write("Chargement de la démo / loading the demo…")
        summary = load_demo(reset=reset, stdout=self.stdout if verbosity > 1 else None)
        if summary.already_loaded:
            self.stdout.write(
                "Démo déjà chargée : rien n'a changé (--reset pour la reconstruire). / "
                "Demo already loaded: nothing changed (--reset rebuilds it)."
            )
            if summary.loaded_on and summary.loaded_on < timezone.localdate():
                self.stdout.write(
                    f"Ses dates suivent le jour de son chargement, le {day_text(summary.loaded_on)} : --reset la "
                    f"recharge aux dates d'aujourd'hui. / Its dates follow the day it was loaded, "
                    f"{summary.loaded_on.isoformat()}: --reset reloads it with today's dates."
                )
        if not summary.organizations:
            raise CommandError("The demo territory could not be loaded.")
        self.stdout.write(f"{summary.territory_name} ({TERRITORY_SLUG})")
        for line in summary.lines():
            self.stdout.write(f"  {line}")

        url = url_for(addrport)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Démo prête / Demo ready"))
        self.stdout.write(f"Adresse / URL : {url}")
        self.stdout.write(f"Mot de passe de tous les comptes / password of every account : {DEMO_PASSWORD}")
        self.stdout.write("Comptes de démo / demo accounts :")
        width = max(len(account.email) for account in DEMO_ACCOUNTS)
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email.ljust(width)}  {account.name}")
            self.stdout.write(f"  {'':{width}}  {account.role_fr}")
            self.stdout.write(f"  {'':{width}}  {account.role_en}")
        if load_only:
            return
        if static_files_missing():
            self.stderr.write(
                "Fichiers statiques non collectés : lancez « concertation collectstatic », ou lancez la démo sans "
                "DEBUG=false. / Static files are not collected: run `concertation collectstatic`, or run the "
                "demo without DEBUG=false."
            )
        site_url = configure_site_url(addrport)  # loading writes no link; serving does
        serve_as_the_product(addrport)
        self.stdout.write(f"Liens des courriels et calendriers / links in e-mails and calendars (SITE_URL) : {site_url}")
        self.stdout.write("")
        self.stdout.write("Ctrl+C arrête le serveur / Ctrl+C stops the server.")
        call_command("runserver", addrport, use_reloader=False)
