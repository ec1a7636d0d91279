"""A Redis restart mid-run loses no queued task: our own redis-server, started with the options
docker-compose.yml gives the deployment's Redis, is killed (SIGKILL) and started again."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
import yaml

from evidence.collection.tasks import collection_unit_task
from grc.celery import app as celery_app
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")


def compose_redis_options() -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["redis"]["command"]
    assert command[0] == "redis-server"
    return command[1:]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port: int, data: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--save",
            "",
            *compose_redis_options(),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            if client.ping():
                return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def test_compose_redis_persists_with_an_append_only_file():
    options = compose_redis_options()
    assert options[options.index("--appendonly") + 1] == "yes"


def test_queued_tasks_survive_a_redis_crash(tmp_path):
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    process = start_redis(port, tmp_path)
    conf = celery_app.conf
    saved = {
        key: conf[key] for key in ("broker_url", "broker_write_url", "broker_transport_options")
    }
    conf.update(broker_url=url, broker_write_url=url, broker_transport_options={})
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    queue = conf.task_default_queue
    try:
        collection_unit_task.delay(4242)
        client = redis.Redis(port=port)
        assert client.llen(queue) == 1
        time.sleep(1.5)  # appendfsync everysec: a crash loses at most the last second
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        process = start_redis(port, tmp_path)
        assert client.llen(queue) == 1
        message = client.lindex(queue, 0)
        assert b"collection_unit_task" in message
    finally:
        conf.update(saved)
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        process.kill()
        process.wait(timeout=10)
