"""Configuration read from the environment: safe defaults, and one clear line when it is wrong."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from concertation import config

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args, env_overrides=None, tmp_path=None):
    env = {key: value for key, value in os.environ.items()
           if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "EMAIL_URL",
                          "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATIC_MANIFEST", "DJANGO_SETTINGS_MODULE",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["CONCERTATION_DATA_DIR"] = str(tmp_path)
    env.update(env_overrides or {})
    return subprocess.run([sys.executable, "-m", "concertation", *args], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)


def test_email_url_variants():
    assert config.email("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = config.email("smtp://user%40org:p%40ss@mail.example.org:587?tls=true")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"],
            smtp["EMAIL_USE_TLS"]) == ("mail.example.org", 587, "user@org", "p@ss", True)
    assert config.email("smtps://mail.example.org")["EMAIL_USE_SSL"] is True
    with pytest.raises(config.ConfigurationError, match="EMAIL_URL"):
        config.email("smtp//oops")
    with pytest.raises(config.ConfigurationError, match="no host"):
        config.email("smtp://")


def test_sqlite_runs_with_wal_and_immediate_transactions(tmp_path):
    settings = config.database(None, directory=tmp_path)
    assert settings["NAME"] == str(tmp_path / "concertation.sqlite3")
    assert settings["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in settings["OPTIONS"]["init_command"]
    assert settings["OPTIONS"]["timeout"] >= 5


def test_unsupported_database_is_refused(tmp_path):
    with pytest.raises(config.ConfigurationError, match="DATABASE_URL"):
        config.database("mysql://x@y/z", directory=tmp_path)


def test_secret_key_is_generated_once_and_kept_locally(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(debug=True, directory=tmp_path)
    assert first == config.secret_key(debug=True, directory=tmp_path)
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    with pytest.raises(config.ConfigurationError, match="SECRET_KEY is required"):
        config.secret_key(debug=False, directory=tmp_path)


@pytest.mark.parametrize("overrides,message", [
    ({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY is required when DEBUG is off"),
    ({"DEBUG": "false", "SECRET_KEY": "x" * 60}, "ALLOWED_HOSTS is required when DEBUG is off"),
    ({"DEBUG": "true", "EMAIL_URL": "smtp//broken"}, "EMAIL_URL"),
    ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
    ({"DEBUG": "true", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing"}, "cannot reach the database"),
])
def test_bad_configuration_stops_with_one_clear_line(tmp_path, overrides, message):
    result = run_cli("migrate", env_overrides=overrides, tmp_path=tmp_path)
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_check_deploy_is_clean_with_debug_off_a_key_and_hosts(tmp_path):
    result = run_cli("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, env_overrides={
        "DEBUG": "false", "SECRET_KEY": "k8s9-long-random-" + "x" * 50, "ALLOWED_HOSTS": "concertation.example.org",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
