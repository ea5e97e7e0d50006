"""`concertation serve`: the production way to run Concertation, behind gunicorn."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Collect static files when needed, then serve the application with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
        parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--timeout", type=int, default=30)
        parser.add_argument("--no-collectstatic", action="store_true", help="Skip collectstatic.")
        parser.add_argument("--access-log", action="store_true", help="Log every request.")

    def handle(self, *args, **options):
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        if not options["no_collectstatic"] and self._static_outdated():
            call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            "gunicorn",
            "concertation.wsgi:application",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--timeout", str(options["timeout"]),
            "--graceful-timeout", "20",
            "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp",
        ]
        if options["access_log"]:
            argv += ["--access-logfile", "-"]
        self.stdout.write(f"Concertation: gunicorn on http://{options['bind']} ({options['workers']} workers)")
        sys.stdout.flush()
        from django.db import connections
        from gunicorn.app.wsgiapp import run

        connections.close_all()  # the workers fork from this process: they must open their own

        sys.argv = argv
        run()

    def _static_outdated(self) -> bool:
        """True when the collected files are missing or older than the package's static files."""
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        if not manifest.exists():
            return True
        collected_at = manifest.stat().st_mtime
        for directory in settings.STATICFILES_DIRS:
            for root, _dirs, files in os.walk(directory):
                for name in files:
                    if os.stat(os.path.join(root, name)).st_mtime > collected_at:
                        return True
        return False
