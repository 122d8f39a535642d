"""Settings come from the environment; production settings pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="tracker.example.gov.cn",
        DJANGO_HTTPS="1",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    result = run_manage("check", DJANGO_HTTPS="1", DJANGO_ALLOWED_HOSTS="tracker.example.gov.cn")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_a_developer_machine_starts_without_a_secret_key():
    # `make run` sets DJANGO_DEBUG=1 and no key.
    result = run_manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_malformed_boolean_setting_fails_loudly():
    result = run_manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_commands_that_serve_nothing_run_without_a_secret_key_and_the_server_does_not():
    migrations = run_manage("makemigrations", "--check", "--dry-run")
    server = run_manage("runserver", "--noreload", "127.0.0.1:0")

    assert migrations.returncode == 0, migrations.stderr
    assert server.returncode != 0
    assert "DJANGO_SECRET_KEY" in server.stderr
