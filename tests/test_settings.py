"""Settings come from the environment; a bad value stops start-up with a message naming it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from remiss import environment

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "q2Xv8mN4pR7tW1zK5bH9cJ3fL6sD0gY2aE8uI4oP7nM1xV5kQ9rT3wZ6yB0hF2jG"
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": STRONG_KEY,
    "ALLOWED_HOSTS": "remiss.example.se",
    "EMAIL_HOST": "smtp.example.se",
}
SETTINGS_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "EMAIL_PORT",
    "MEDIA_ROOT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "REDIS_URL",
    "CACHE_URL",
    "LOG_FORMAT",
    "STATIC_HASHED_NAMES",
    "PROMETHEUS_MULTIPROC_DIR",
}
# The documented production variables for several machines (docs/deployment.md).
SEVERAL_MACHINES = {
    **PRODUCTION,
    "S3_BUCKET": "remissportalen",
    "S3_ENDPOINT_URL": "https://s3.example.se",
    "S3_ACCESS_KEY_ID": "nyckel",
    "S3_SECRET_ACCESS_KEY": "hemlig",
    "REDIS_URL": "redis://redis.example.se:6379/0",
    "METRICS_TOKEN": "m" * 40,
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    clean.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issue_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_reports_no_issue_with_object_storage_and_redis():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **SEVERAL_MACHINES)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_values_put_files_in_s3_sessions_in_redis_and_static_files_hashed():
    shown = (
        "from django.conf import settings as s; "
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['bucket_name'], "
        "s.STORAGES['staticfiles']['BACKEND'], s.CACHES['default']['BACKEND'], "
        "s.CACHES['default']['LOCATION'], s.SESSION_ENGINE, s.LOG_FORMAT)"
    )

    result = manage("shell", "--no-imports", "-c", shown, **SEVERAL_MACHINES)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "remissportalen",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "remiss.redis_cache.SharedRedisCache",
        "redis://redis.example.se:6379/0",
        "django.contrib.sessions.backends.cached_db",
        "json",
    ]


def test_development_keeps_files_on_disk_and_the_cache_in_memory():
    shown = (
        "from django.conf import settings as s; "
        "print(s.STORAGES['default']['BACKEND'], s.CACHES['default']['BACKEND'])"
    )

    result = manage("shell", "--no-imports", "-c", shown, DEBUG="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.files.storage.FileSystemStorage",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


@pytest.mark.parametrize(
    ("env", "variable", "expects"),
    [
        ({"DEBUG": "kanske"}, "DEBUG", "ange 1 eller 0"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "remiss.example.se"}, "SECRET_KEY", "måste vara satt"),
        ({**PRODUCTION, "SECRET_KEY": "kort"}, "SECRET_KEY", "minst 50"),
        ({"DEBUG": "0", "SECRET_KEY": STRONG_KEY}, "ALLOWED_HOSTS", "kommaseparerad lista"),
        ({**PRODUCTION, "EMAIL_HOST": ""}, "EMAIL_HOST", "måste vara satt"),
        ({**PRODUCTION, "EMAIL_USE_SSL": "1"}, "EMAIL_USE_TLS och EMAIL_USE_SSL", "högst en"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://x@localhost/r"}, "DATABASE_URL", "stöds inte"),
        ({"DEBUG": "1", "DATABASE_URL": "inte en adress"}, "DATABASE_URL", "kan inte tolka"),
        ({"DEBUG": "1", "EMAIL_PORT": "tjugofem"}, "EMAIL_PORT", "heltal"),
        ({"DEBUG": "1", "MEDIA_ROOT": "relativ/sokvag"}, "MEDIA_ROOT", "absolut sökväg"),
        (
            {"DEBUG": "1", "S3_BUCKET": "b", "S3_ADDRESSING_STYLE": "sned"},
            "S3_ADDRESSING_STYLE",
            "path eller",
        ),
        ({"DEBUG": "1", "REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL", "ogiltig adress"),
        ({"DEBUG": "1", "LOG_FORMAT": "xml"}, "LOG_FORMAT", "json eller text"),
        ({"DEBUG": "1", "SCHEDULE_DAILY_AT": "sex"}, "SCHEDULE_DAILY_AT", "till exempel 06:00"),
    ],
)
def test_a_bad_variable_stops_start_up_with_a_message_naming_it(env, variable, expects):
    result = manage("check", **env)

    assert result.returncode != 0
    assert f"Remissportalen kan inte starta: {variable}:" in result.stderr
    assert expects in result.stderr
    assert "Traceback" not in result.stderr


def test_with_no_variables_at_all_the_portal_is_in_production_mode_and_refuses_to_start():
    result = manage("check")

    assert result.returncode != 0
    assert "Remissportalen kan inte starta: SECRET_KEY: variabeln måste vara satt" in result.stderr
    assert "Traceback" not in result.stderr


def test_development_mode_starts_with_debug_alone():
    result = manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_development_makes_its_own_secret_key_once_per_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key_file = tmp_path / ".secret-key"

    first = environment.env_secret_key("SECRET_KEY", debug=True, development_key_file=key_file)
    again = environment.env_secret_key("SECRET_KEY", debug=True, development_key_file=key_file)
    elsewhere = environment.env_secret_key(
        "SECRET_KEY", debug=True, development_key_file=tmp_path / "annan" / ".secret-key"
    )

    assert first == again
    assert len(first) >= 50
    assert elsewhere != first  # a folder it cannot write to: a key for this process only
    assert (key_file.stat().st_mode & 0o777) == 0o600


def test_no_secret_key_is_written_in_the_repository():
    tracked = subprocess.run(
        ["git", "grep", "-l", "-e", "django-insecure-", "--", "remiss", "programs", "manage.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert tracked.stdout.split() == ["remiss/environment.py"]
    assert (
        '"django-insecure-" + secrets.token_urlsafe' in (ROOT / "remiss/environment.py").read_text()
    )


def test_sqlite_is_opened_so_that_simultaneous_writes_wait(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    config = environment.env_database("DATABASE_URL", default_sqlite=tmp_path / "db.sqlite3")

    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("off", False)],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAGGA", raw)

    assert environment.env_bool("FLAGGA", not expected) is expected


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAGGA", raising=False)

    assert environment.env_bool("FLAGGA", True) is True


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("VARDAR", " a.example.se, ,b.example.se ")

    assert environment.env_list("VARDAR") == ["a.example.se", "b.example.se"]


def test_env_database_reads_a_postgres_url(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://remiss:hemligt@db.example.se:5433/remiss")

    config = environment.env_database("DATABASE_URL", default_sqlite=tmp_path / "db.sqlite3")

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.se", 5433, "remiss")


def test_postgresql_queries_are_prepared_on_kept_connections_without_a_health_check(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("DATABASE_URL", "postgres://remiss@db.example.se/remiss")
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    monkeypatch.delenv("DATABASE_CONN_MAX_AGE", raising=False)

    config = environment.env_database("DATABASE_URL", default_sqlite=tmp_path / "db.sqlite3")

    assert config["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
        "options": "-c jit=off",
    }
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (600, False)

    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "off")  # an old pooler
    config = environment.env_database("DATABASE_URL", default_sqlite=tmp_path / "db.sqlite3")
    assert config["OPTIONS"]["prepare_threshold"] is None


def test_env_database_defaults_to_sqlite_in_the_given_file(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    config = environment.env_database("DATABASE_URL", default_sqlite=tmp_path / "db.sqlite3")

    assert (config["ENGINE"], config["NAME"]) == (
        "django.db.backends.sqlite3",
        str(tmp_path / "db.sqlite3"),
    )


def test_env_secret_key_has_no_production_default(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        environment.env_secret_key("SECRET_KEY", debug=False)


def test_the_project_runs_in_swedish_and_stockholm_time(settings):
    assert settings.LANGUAGE_CODE == "sv"
    assert settings.TIME_ZONE == "Europe/Stockholm"
    assert settings.USE_TZ is True


def test_every_variable_the_settings_read_is_documented_in_env_example():
    import re

    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', (ROOT / "remiss/settings.py").read_text()))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))

    assert read, "no variables found in settings.py"
    assert read - documented == set()
