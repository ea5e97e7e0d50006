"""Reading the environment into settings, with one clear line when something is wrong.

Every problem raises ``ConfigurationError`` (an ``ImproperlyConfigured``) whose message says what
to fix; ``concertation.cli`` prints it as a single line instead of a traceback.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigurationError(ImproperlyConfigured):
    """A setting read from the environment is missing or malformed."""


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigurationError(f"{name}={raw!r} is not a boolean: use true or false.")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number.") from None


def data_dir() -> Path:
    path = Path(os.environ.get("CONCERTATION_DATA_DIR", "var")).resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            f"CONCERTATION_DATA_DIR={path} cannot be created ({exc.strerror}): "
            "point it at a writable directory."
        ) from None
    return path


def secret_key(*, debug: bool, directory: Path) -> str:
    """The SECRET_KEY from the environment; on a local instance, one generated once and kept."""
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if not debug:
        raise ConfigurationError(
            "SECRET_KEY is required when DEBUG is off: set SECRET_KEY to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    path = directory / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def database(url: str | None, *, directory: Path) -> dict:
    import dj_database_url

    if not url:
        url = f"sqlite:///{directory / 'concertation.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj-database-url raises several kinds
        raise ConfigurationError(
            f"DATABASE_URL is malformed ({exc}): use sqlite:///path or postgres://user:pass@host/db."
        ) from None
    engine = config.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
        # start of a transaction so read-then-write never fails with "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000; PRAGMA cache_size=-20000; PRAGMA temp_store=MEMORY; "
                # Deleted rows are overwritten with zeros: a closed secret vote's former rows
                # (core/secrecy.py) do not linger in the file's free pages.
                "PRAGMA secure_delete=ON;"
            ),
        }
        # Opening a connection (and its six PRAGMAs) cost ≈ 2 ms a request, and closing the last
        # one checkpointed the log: kept open as on PostgreSQL (issue 7's voting burst).
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    elif "postgresql" in engine:
        config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
        config["CONN_HEALTH_CHECKS"] = True
        config.setdefault("OPTIONS", {})["connect_timeout"] = 5
    else:
        raise ConfigurationError(
            f"DATABASE_URL uses an unsupported database ({engine or url.split(':')[0]}): "
            "use sqlite:// or postgres://."
        )
    return config


# The table of the database cache, created by `migrate` (core.apps: after every migrate).
CACHE_TABLE = "concertation_cache"
# Culling deletes live entries once the table holds this many: far above what the rate limits let
# through (expired entries are removed first), so a counter is never pushed out by other keys.
CACHE_MAX_ENTRIES = 100_000


def cache(redis_url: str | None) -> dict:
    """The cache that holds the security counters (rate limits, the TOTP replay guard…).

    Shared by every worker of the instance: the database by default; Redis (REDIS_URL, Django's
    own RedisCache) when several hosts serve the same instance.
    """
    url = (redis_url or "").strip()
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES},
        }
    if urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigurationError(
            f"REDIS_URL={url!r} is malformed: use redis://host:6379/0, rediss://… or unix:///path.sock."
        )
    try:
        import redis  # noqa: F401 — Django's RedisCache needs it
    except ImportError:
        raise ConfigurationError(
            "REDIS_URL is set but the redis package is not installed: pip install redis, or leave "
            "REDIS_URL empty to keep the counters in the database."
        ) from None
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "concertation",
    }


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email(url: str | None) -> dict:
    """Settings for EMAIL_URL such as smtp://user:pass@host:587?tls=true or console://."""
    url = (url or "console://").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in EMAIL_BACKENDS:
        raise ConfigurationError(
            f"EMAIL_URL={url!r} is malformed: use console://, smtp://user:password@host:587?tls=true, "
            "smtps://user:password@host:465 or file:///path."
        )
    settings: dict = {"EMAIL_BACKEND": EMAIL_BACKENDS[scheme]}
    if scheme in {"smtp", "smtps", "submission"}:
        if not parts.hostname:
            raise ConfigurationError(f"EMAIL_URL={url!r} has no host: smtp://host:port is needed.")
        try:
            port = parts.port
        except ValueError:
            raise ConfigurationError(f"EMAIL_URL={url!r} has an invalid port.") from None
        query = {k.lower(): v[-1].lower() for k, v in parse_qs(parts.query).items()}
        settings.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if scheme == "smtps" else 587 if scheme == "submission" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=scheme == "smtps" or query.get("ssl") in TRUE_WORDS,
            EMAIL_USE_TLS=scheme == "submission" or query.get("tls") in TRUE_WORDS,
            EMAIL_TIMEOUT=int(query.get("timeout", "10") or 10),
        )
    elif scheme == "file":
        settings["EMAIL_FILE_PATH"] = parts.path or "var/mail"
    return settings


FILE_HANDOFFS = ("", "x-accel-redirect", "x-sendfile")


def file_storage(bucket: str | None) -> dict:
    """STORAGES["default"]: the disk (MEDIA_ROOT), or an S3-compatible bucket when S3_BUCKET is set
    (django-storages, the optional extra ``concertation[s3]``; ADR 0004). The bucket stays private:
    files are only sent through the download views, never by the bucket's address."""
    if not (bucket or "").strip():
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    import importlib.util

    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        raise ConfigurationError(
            f"S3_BUCKET={bucket!r} needs django-storages and boto3: pip install 'concertation[s3]'.")
    options = {
        "bucket_name": bucket.strip(),
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,  # MinIO, Ceph, OVH, Scaleway…
        "region_name": os.environ.get("S3_REGION") or None,
        "location": os.environ.get("S3_PREFIX", "").strip("/"),
        "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,  # "path" for most self-hosted ones
        "querystring_auth": True,
        "file_overwrite": False,
    }  # no ACL on the objects: the bucket's own policy (private) applies
    # Without these, boto3 finds its credentials itself (AWS_* variables, an instance role…).
    if os.environ.get("S3_ACCESS_KEY_ID"):
        options["access_key"] = os.environ["S3_ACCESS_KEY_ID"]
        options["secret_key"] = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    return {"BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {key: value for key, value in options.items() if value is not None}}


def file_handoff(value: str | None) -> str:
    mode = (value or "").strip().lower()
    if mode not in FILE_HANDOFFS:
        raise ConfigurationError(
            f"FILE_DOWNLOAD_HANDOFF={value!r} is unknown: leave it empty, or use x-accel-redirect or x-sendfile.")
    return mode


def privacy_contact(value: str | None) -> str:
    """PRIVACY_CONTACT (Law 25): the person responsible for the protection of personal information,
    as an e-mail address or a web address (https://…); empty, the pages name the instance's contact."""
    contact = (value or "").strip()
    if not contact:
        return ""
    if contact.startswith(("https://", "http://")) and " " not in contact:
        return contact
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(contact.removeprefix("mailto:"))
    except ValidationError:
        raise ConfigurationError(
            f"PRIVACY_CONTACT={value!r} is neither an e-mail address nor a web address (https://…).") from None
    return contact.removeprefix("mailto:")


def retention_days(name: str, default: int) -> int:
    """A retention in days (RETENTION_*_DAYS): a whole number, 0 to keep the rows forever."""
    days = env_int(name, default)
    if days < 0:
        raise ConfigurationError(f"{name}={days} is negative: give a number of days, or 0 to keep forever.")
    return days
