"""docker-compose.yml, the production shape (issue 7): valid for Compose itself, and the parts the issue names are there
and safe. Compose resolves the file (`docker compose config`, or docker-compose 1.29 from Debian where the plugin is
missing: scripts/services.sh debs installs it, without a Docker daemon, which `config` does not need); the checks
below read what Compose made of it, not the raw text, except the one about secrets written into the file."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "beat")
NAMED_SERVICES = (*APP_SERVICES, "db", "redis", "mail")  # what the issue names: web, worker, beat, PostgreSQL, Redis,
# and a mail catcher
# Stand-ins for the operator's .env; the checks look for these to prove values come from there.
SECRETS = {"SECRET_KEY": "secret-key-from-the-env-file-" + "q8Zt" * 8, "POSTGRES_PASSWORD": "pg-password-from-env-9Xk"}
SECRET_WORDS = re.compile(r"(SECRET|PASSWORD|TOKEN|API_KEY)", re.IGNORECASE)
SWITCHES = {"REQUIRE_SECRET_KEY"}  # says that a secret is required; holds none


def compose_command() -> list[str]:
    """The Compose CLI: the docker plugin when it works, else docker-compose (Debian package)."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=30)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.fail("Neither `docker compose` nor `docker-compose` is installed: run scripts/services.sh debs")


def compose_config(tmp_path: Path, env_file: dict[str, str]) -> subprocess.CompletedProcess:
    """`config` on a copy of the file in a project directory of its own, with the given .env (the real .env, if
    any, stays out of it) and none of this machine's environment that Compose would interpolate."""
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    shutil.copy(COMPOSE_FILE, project / "docker-compose.yml")
    (project / ".env").write_text("".join(f"{key}={value}\n" for key, value in env_file.items()))
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run([*compose_command(), "--project-directory", str(project), "-f",
                           str(project / "docker-compose.yml"), "config"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def resolved(tmp_path_factory) -> dict:
    result = compose_config(tmp_path_factory.mktemp("compose"), SECRETS)
    assert result.returncode == 0, f"Compose rejects docker-compose.yml:\n{result.stderr}"
    return yaml.safe_load(result.stdout)


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # KEY=value items
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def command(service: dict) -> list[str]:
    cmd = service.get("command") or []
    return cmd.split() if isinstance(cmd, str) else [str(part) for part in cmd]


def healthcheck_test(service: dict) -> str:
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def test_compose_accepts_the_file(resolved):
    assert set(NAMED_SERVICES) <= set(resolved["services"]), sorted(resolved["services"])


def test_every_named_service_has_a_healthcheck(resolved):
    for name in NAMED_SERVICES:
        service = resolved["services"][name]
        assert "healthcheck" in service, f"{name} has no healthcheck"
        assert not service["healthcheck"].get("disable"), f"{name}: healthcheck disabled"
        test = service["healthcheck"]["test"]
        assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, (name, test)


def test_web_runs_gunicorn_and_its_healthcheck_asks_health(resolved):
    web = resolved["services"]["web"]
    assert command(web)[0] == "gunicorn"
    assert "i3ml.wsgi" in command(web)
    assert "/health/" in healthcheck_test(web)


def test_the_app_services_wait_for_healthy_database_and_broker(resolved):
    for name in APP_SERVICES:
        depends = resolved["services"][name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


def test_production_settings_and_no_debug(resolved):
    for name, service in resolved["services"].items():
        env = environment(service)
        assert "DEBUG" not in env, f"{name} sets DEBUG"
        if name in (*APP_SERVICES, "migrate"):
            assert env["REQUIRE_SECRET_KEY"] == "true", name
            assert env["REDIS_URL"].startswith("redis://redis:"), name
            assert env["EMAIL_URL"].startswith("smtp://mail:"), name


def test_secrets_come_from_the_environment(resolved):
    """The values in the resolved file are the ones from .env; none is written in the file itself."""
    for name in (*APP_SERVICES, "migrate"):
        env = environment(resolved["services"][name])
        assert env["SECRET_KEY"] == SECRETS["SECRET_KEY"], name
        assert f":{SECRETS['POSTGRES_PASSWORD']}@db:" in env["DATABASE_URL"], name
    assert environment(resolved["services"]["db"])["POSTGRES_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]

    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    written = []
    for name, service in raw["services"].items():
        env = service.get("environment") or {}
        for key, value in (env.items() if isinstance(env, dict) else ()):
            value = str(value)
            # A secret is only ever a reference to the environment, without a default to fall back on.
            if SECRET_WORDS.search(key) and key not in SWITCHES and not re.fullmatch(r"\$\{\w+:\?[^}]*\}", value):
                written.append(f"{name}: {key}")
            if re.search(r"://[^:/@\s]+:(?!\$\{\w+:\?)[^@\s]+@", value):  # a password inside a URL
                written.append(f"{name}: {key} (password in the URL)")
    assert not written, f"secrets written into docker-compose.yml: {written}"


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_run_without_a_secret(tmp_path, missing):
    result = compose_config(tmp_path, {key: value for key, value in SECRETS.items() if key != missing})
    assert result.returncode != 0
    assert missing in result.stderr


def test_worker_acknowledges_late_and_fetches_one_task_at_a_time(resolved):
    worker = resolved["services"]["worker"]
    cmd = command(worker)
    assert cmd[:4] == ["celery", "-A", "i3ml", "worker"], cmd
    assert cmd[cmd.index("--prefetch-multiplier") + 1] == "1"
    # Late acknowledgement lives in the settings the image runs with (i3ml/settings.py): a task that dies with
    # its worker goes back to the queue.
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert "--without-heartbeat" not in cmd
    # Time for a letter to finish when the stack stops (Compose writes it as a duration such as 1m0s or 60s).
    grace = str(worker.get("stop_grace_period", "10s"))
    seconds = sum(int(n) * {"h": 3600, "m": 60, "s": 1}[unit] for n, unit in re.findall(r"(\d+)([hms])", grace))
    assert seconds >= 30, grace
    assert "inspect ping" in healthcheck_test(worker)


def test_beat_is_a_single_instance(resolved):
    beat = resolved["services"]["beat"]
    assert command(beat)[:4] == ["celery", "-A", "i3ml", "beat"], command(beat)
    assert beat.get("deploy", {}).get("replicas") == 1
    assert int(beat.get("scale", 1)) == 1
    # Nothing else schedules: no worker runs an embedded beat (-B).
    for name in ("web", "worker", "migrate"):
        cmd = command(resolved["services"][name])
        assert "-B" not in cmd and "--beat" not in cmd, name


def test_the_mail_catcher_and_web_listen_on_this_host_only(resolved):
    """Caught mail holds personal data, and the app is reached through the proxy; neither is published on every
    address of the host."""
    for name in ("web", "mail"):
        for port in resolved["services"][name].get("ports", []):
            text = json.dumps(port)
            assert "127.0.0.1" in text, f"{name} publishes {text} on all addresses"
