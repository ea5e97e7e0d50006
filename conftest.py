"""Test-wide environment: production-like settings (DEBUG off) with a throwaway data directory."""

import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concertation.settings")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("CONCERTATION_DATA_DIR", tempfile.mkdtemp(prefix="concertation-tests-"))
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("EMAIL_URL", "locmem://")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.INSTALLED_APPS  # noqa: B018 — load settings now so that pytest-django sets Django up
# WhiteNoise walks every static file through the finders when its middleware starts, unless it
# looks files up per request (autorefresh): each test client starts the middleware again, which
# cost 40 ms a test (a third of the URL matrix's time). Files are served all the same.
settings.WHITENOISE_AUTOREFRESH = True
django.setup()
