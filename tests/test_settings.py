import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7#k2!" * 10,
    "ALLOWED_HOSTS": "news.example.com",
    # A cache every app server and worker shares (nothing here connects to it).
    "CACHE_URL": "redis://127.0.0.1:6379/0",
}
DEVELOPMENT = {"DEBUG": "true"}
# Set by the browser tests for the test process only (Playwright runs an event loop beside the
# ORM); the deployment being checked never has it.
TEST_RUNNER_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {*PRODUCTION, *TEST_RUNNER_ONLY}}
        | env,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **(PRODUCTION | {"SECRET_KEY": ""}))
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_is_off_unless_the_environment_turns_it_on():
    # Nothing set: production settings, which refuse to start without a key of their own.
    unset = manage("check")
    assert unset.returncode != 0
    assert "Set SECRET_KEY" in unset.stderr
    assert manage("check", DEBUG="true").returncode == 0
    show = "from django.conf import settings; print(settings.DEBUG)"
    production = PRODUCTION.copy()
    del production["DEBUG"]
    result = manage("shell", "--no-imports", "-c", show, **production)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", **(PRODUCTION | {"ALLOWED_HOSTS": ""}))
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_cache_each_process_keeps_to_itself():
    local_memory = PRODUCTION.copy()
    del local_memory["CACHE_URL"]  # the default
    for command in (["check"], ["check", "--deploy"]):
        result = manage(*command, **local_memory)
        assert result.returncode != 0
        assert "articles.E001" in result.stderr
        assert "Set CACHE_URL to a Redis server" in result.stderr
    # Not only the pages: the tokens and the story pieces live in the cache too.
    unstored = manage("check", NEWSROOM_STORE_PAGES="false", **local_memory)
    assert "articles.E001" in unstored.stderr
    assert manage("check", **PRODUCTION).returncode == 0
    assert manage("check", **(local_memory | DEVELOPMENT)).returncode == 0


def signing_key_in(folder):
    """Settings naming a development signing key, as `make run` makes one."""
    assert manage("make_signing_key", str(folder), **DEVELOPMENT).returncode == 0
    return {
        "NEWSROOM_C2PA_KEY": str(folder / "signing-key.pem"),
        "NEWSROOM_C2PA_CERT": str(folder / "signing-cert.pem"),
    }


def test_production_warns_when_renditions_go_out_unsigned(tmp_path):
    unsigned = manage("check", **PRODUCTION)
    assert unsigned.returncode == 0
    assert "articles.W002" in unsigned.stderr
    assert "drawn without Content Credentials" in unsigned.stderr
    signed = manage("check", **PRODUCTION, **signing_key_in(tmp_path))
    assert "articles.W002" not in signed.stderr


def test_a_signing_key_that_cannot_sign_refuses_to_start(tmp_path):
    key = signing_key_in(tmp_path)
    wrong_certificate = key | {"NEWSROOM_C2PA_CERT": str(tmp_path / "authority.pem")}
    missing = key | {"NEWSROOM_C2PA_KEY": str(tmp_path / "absent.pem")}
    for env in (wrong_certificate, missing, {"NEWSROOM_C2PA_KEY": key["NEWSROOM_C2PA_KEY"]}):
        result = manage("check", **DEVELOPMENT, **env)
        assert result.returncode != 0
        assert "articles.E003" in result.stderr
    (tmp_path / "anchors.txt").write_text("not a certificate")
    anchors = manage(
        "check", NEWSROOM_C2PA_TRUST_ANCHORS=str(tmp_path / "anchors.txt"), **DEVELOPMENT
    )
    assert anchors.returncode != 0 and "articles.E002" in anchors.stderr


def test_the_development_key_is_made_once(tmp_path):
    signing_key_in(tmp_path)
    first = (tmp_path / "signing-key.pem").read_bytes()
    signing_key_in(tmp_path)
    assert (tmp_path / "signing-key.pem").read_bytes() == first
    assert (tmp_path / "signing-key.pem").stat().st_mode & 0o077 == 0


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **signing_key_in(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def cache_class(**env):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.core.cache import caches; cache = caches['default']; "
        "print(type(cache).__module__, type(cache).__name__, type(cache).__mro__[1].__name__)",
        CACHE_URL="redis://127.0.0.1:6379/0",
        **DEVELOPMENT,
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[0]


def test_a_redis_cache_url_gives_djangos_redis_backend_with_near_copies_unless_turned_off():
    assert cache_class() == "newsroom.near_cache NearRedisCache RedisCache"
    assert cache_class(NEWSROOM_NEAR_CACHE="false") == (
        "django.core.cache.backends.redis RedisCache BaseCache"
    )


def test_postgresql_prepares_repeated_statements_unless_a_pooler_forbids_it():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    # Nothing here connects to the database.
    postgres = DEVELOPMENT | {"DATABASE_URL": "postgres://newsroom@127.0.0.1:5432/newsroom"}
    prepared = manage("shell", "--no-imports", "-c", show, **postgres)
    assert prepared.returncode == 0, prepared.stderr
    assert "'server_side_binding': True" in prepared.stdout
    pooled = manage(
        "shell", "--no-imports", "-c", show, DATABASE_PREPARED_STATEMENTS="false", **postgres
    )
    assert pooled.returncode == 0, pooled.stderr
    assert "server_side_binding" not in pooled.stdout
