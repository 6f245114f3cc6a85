"""A real Redis server for the class-session tests, on a free loopback port, started and stopped by a fixture.

`redis_url` starts Debian's `redis-server` (never touching disk: `--save '' --appendonly no`) for the
test session and stops it after. Without redis-server the Redis tests are skipped, except in CI
(LBLN_REQUIRE_BROWSER=1), where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REDIS_SERVER = "/usr/bin/redis-server"
START_S = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _require_redis() -> str:
    path = REDIS_SERVER if Path(REDIS_SERVER).exists() else shutil.which("redis-server")
    if path:
        return path
    msg = "the Redis tests need Debian's redis-server (apt-get install redis-server)"
    if os.environ.get("LBLN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{msg}; LBLN_REQUIRE_BROWSER=1 forbids skipping", pytrace=False)
    pytest.skip(msg)


class RedisServer:
    """One redis-server process on 127.0.0.1:<port>, in memory only; can be stopped and started again."""

    def __init__(self, binary: str, port: int, workdir: Path) -> None:
        self.binary, self.port, self.workdir = binary, port, workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        cmd = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(self.workdir), "--protected-mode", "yes"]
        self.proc = subprocess.Popen(cmd, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"redis-server exited with {self.proc.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)  # polling interval of the readiness check
        pytest.fail(f"redis-server not answering on port {self.port} after {START_S} s")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A redis-server for the session (restartable by a test that stops it)."""
    server = RedisServer(_require_redis(), free_port(), tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The URL of the session's Redis, running (restarted if a test stopped it), database flushed."""
    if redis_server.proc is None:
        redis_server.start()
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushdb()
    client.close()
    return redis_server.url
