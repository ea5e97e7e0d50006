"""The one settings module of Concertation, driven by environment variables.

Every variable is documented in docs/deployment.md. Local defaults are safe for a demo on one
machine; with DEBUG off the HTTPS protections are on unless explicitly relaxed.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from concertation import config

BASE_DIR = Path(__file__).resolve().parent

DEBUG = config.env_bool("DEBUG", False)
DATA_DIR = config.data_dir()
SECRET_KEY = config.secret_key(debug=DEBUG, directory=DATA_DIR)

ALLOWED_HOSTS = config.env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise config.ConfigurationError(
        "ALLOWED_HOSTS is required when DEBUG is off: set it to the host names that serve "
        "Concertation, separated by commas (e.g. ALLOWED_HOSTS=concertation.example.org)."
    )
CSRF_TRUSTED_ORIGINS = config.env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "concertation.core",
    "concertation.accounts",
    "concertation.notifications",
    "concertation.directory",
    "concertation.spaces",
    "concertation.knowledge",
    "concertation.decisions",
    "concertation.meetings",
    "concertation.planning",
    "concertation.search",
    "concertation.insights",
    "concertation.public",
    "concertation.api",
    "concertation.portability",
    "concertation.home",
    "concertation.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",  # its documentation page serves its assets from here, not a CDN
]

MIDDLEWARE = [
    "concertation.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "concertation.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "concertation.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "concertation.accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Members-only links: anonymous visitors sign in first (same answer for a missing address).
    "concertation.spaces.middleware.SignInFirstMiddleware",
]

ROOT_URLCONF = "concertation.urls"
WSGI_APPLICATION = "concertation.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "concertation.core.context_processors.site",
                "concertation.notifications.context_processors.unread",
            ],
            "builtins": [
                "template_partials.templatetags.partials",
                "django.templatetags.i18n",
                "django.templatetags.static",
                "concertation.accounts.templatetags.privacy",  # {% public_name %}: Law 25
                "concertation.core.templatetags.formatting",  # |day |hour |money: fr-CA and en
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

DATABASES = {"default": config.database(os.environ.get("DATABASE_URL"), directory=DATA_DIR)}

# The cache holds security counters only (allauth's rate limits, the TOTP replay guard, the
# once-a-day note of a refusal): shared by every worker, never pushed out by page traffic. The
# database by default; Redis when REDIS_URL is set (several hosts). docs/decisions/0003.
CACHES = {"default": config.cache(os.environ.get("REDIS_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: the e-mail address is the login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "concertation.accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "concertation.notifications.account_adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Behind a reverse proxy or load balancer every request comes from the proxy's address, so the
# per-address limits above would count all clients as one (5 wrong passwords from anyone would
# refuse everybody's sign-in): the client's address is then read from X-Forwarded-For, this many
# proxies of ours from its end. 0 (default): the connection's address, for a server reached directly.
ALLAUTH_TRUSTED_PROXY_COUNT = config.env_int("TRUSTED_PROXY_COUNT", 0)
# The API's limits (api/auth.py), counted in the same store as the sign-in limits above: per person
# (reads, writes), per signed-in session (the documentation page), per address when anonymous.
API_RATE_LIMITS = {
    "token": "600/m/key",
    "write": "60/m/key",
    "session": "300/m/key",
    "anonymous": "120/m/ip",
}
# Searches a minute (core/ratelimit.py): a person types in the header's box (one search per pause),
# an address stands for the visitors who are not signed in.
SEARCH_RATE_LIMITS = {"person": "120/m/key", "anonymous": "120/m/ip"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Concertation] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Sign-up by invitation unless opened (accounts/signup.py); whom the account pages name to ask.
ACCOUNT_ALLOW_SIGNUPS = config.env_bool("ALLOW_SIGNUPS", False)
INSTANCE_CONTACT_EMAIL = os.environ.get("INSTANCE_CONTACT_EMAIL", "")
INSTANCE_CONTACT_NAME = os.environ.get("INSTANCE_CONTACT_NAME", "")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

LANGUAGE_CODE = "fr-ca"
LANGUAGES = [("fr-ca", _("Français")), ("en", _("English"))]
# The project's catalog first (makemessages writes there); then fr-CA wording for allauth's own
# messages (« courriel », no « e-mail »), which wins over allauth's catalog (locale_allauth/README).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
FORMAT_MODULE_PATH = ["concertation.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Montreal")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "concertation_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are private: no address serves MEDIA_URL; they are sent by views that check who
# asks (core/files.py). Random stored names; disk by default, an S3-compatible bucket with S3_BUCKET.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# "" (Django streams files), "x-accel-redirect" (nginx) or "x-sendfile" (Apache, lighttpd).
FILE_DOWNLOAD_HANDOFF = config.file_handoff(os.environ.get("FILE_DOWNLOAD_HANDOFF"))
FILE_DOWNLOAD_HANDOFF_PREFIX = os.environ.get("FILE_DOWNLOAD_HANDOFF_PREFIX", "/protected-files/")
# Hashed, compressed static files in production; plain files for the demo and the tests.
STATIC_MANIFEST = config.env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": config.file_storage(os.environ.get("S3_BUCKET")),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# The largest uploaded file (the document library's limit too): 20 MB unless configured.
MAX_UPLOAD_SIZE = config.env_int("MAX_UPLOAD_SIZE", 20 * 1024 * 1024)

# Oversized bodies are refused before they are read (core/uploads.py): a handler that stops an
# upload past MAX_UPLOAD_SIZE (plus a margin), and a middleware that checks the declared size
# before anything reads the body (it runs before CsrfViewMiddleware reads the form).
FILE_UPLOAD_HANDLERS = [
    "concertation.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "concertation.core.uploads.UploadLimitMiddleware")

globals().update(config.email(os.environ.get("EMAIL_URL")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Concertation <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

# Digests (notifications/digests.py): the daily one from this hour (local time), the weekly one on
# this weekday (0 = Monday) from the same hour; sent by `concertation worker` or a cron line.
NOTIFICATIONS_DIGEST_HOUR = config.env_int("NOTIFICATIONS_DIGEST_HOUR", 7)
NOTIFICATIONS_DIGEST_WEEKDAY = config.env_int("NOTIFICATIONS_DIGEST_WEEKDAY", 0)

# Law 25 (issue 19): the person responsible for the protection of personal information (an e-mail
# or a web address), named in every page's footer and on the privacy page; and how long old rows are
# kept before the daily sweeps delete them (0: forever): notifications, and invitations that were
# used, revoked or expired.
PRIVACY_CONTACT = config.privacy_contact(os.environ.get("PRIVACY_CONTACT"))
RETENTION_NOTIFICATIONS_DAYS = config.retention_days("RETENTION_NOTIFICATIONS_DAYS", 365)
RETENTION_INVITATIONS_DAYS = config.retention_days("RETENTION_INVITATIONS_DAYS", 180)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}

# HTTPS by default in production: a TLS-terminating proxy sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = config.env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = config.env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = config.env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = config.env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, the row read on every request by a statement compiled once.
SESSION_ENGINE = "concertation.accounts.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "concertation": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    },
}
