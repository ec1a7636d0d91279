"""The deployment description stays valid."""

import shutil
import subprocess

import pytest

from tests.conftest import ROOT


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run(
            [docker, "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_compose_file_is_valid():
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor docker-compose is installed")

    result = subprocess.run(
        [*command, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_compose_runs_web_worker_and_beat_on_postgres_and_redis():
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]

    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert "celery" in services["worker"]["command"] and "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
