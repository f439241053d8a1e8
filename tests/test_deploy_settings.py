"""Production settings: `check --deploy` has nothing to say, secrets come from the environment, and DEBUG can
never be on. Each run is a fresh process with the environment production sets (docker-compose.yml)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "REQUIRE_SECRET_KEY": "true",
    "SECRET_KEY": "k3y-from-the-environment-" + "x7Qp" * 12,
    "HTTPS": "true",
    "BEHIND_PROXY": "true",
    "ALLOWED_HOSTS": "mijnschade.i3ml.nl",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The test run's own switches (DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests) are not production's.
    dropped = {"DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in dropped}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_can_never_be_on_in_production():
    result = manage("check", **PRODUCTION, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_without_a_secret_key_does_not_start():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
