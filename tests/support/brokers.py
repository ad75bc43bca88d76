"""Real message brokers on loopback for the destination tests, one of each per test session.

RabbitMQ and NATS are Debian's ``rabbitmq-server`` and ``nats-server`` (``.ci/run`` installs
them), SQS is moto's server. Each runs on free ``127.0.0.1`` ports with its own data directory
and is stopped when the session ends. A missing binary skips its tests with the reason, unless
``CI`` is set: there it fails, so CI cannot pass without having run them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

RABBITMQ = Path("/usr/lib/rabbitmq/bin/rabbitmq-server")  # as root, not the su wrapper
NATS = shutil.which("nats-server") or "/usr/sbin/nats-server"
BOOT_SECONDS = 90.0  # RabbitMQ boots in 5 to 10 s on a quiet machine; CI machines are not


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def missing(what: str) -> None:
    """Skip (fail under CI) a test whose server is not installed."""
    reason = f"{what} is not installed (apt-get install rabbitmq-server nats-server; .ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no server on 127.0.0.1:{port} after {BOOT_SECONDS} s")


class Server:
    """A broker process that can be stopped and started again on the same port and data."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    def __init__(self, base: Path) -> None:
        self.base = base
        self.log = base / "server.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(),
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.environment(),
                cwd=self.base,
                start_new_session=True,  # its own process group: stopped whole
            )
        wait_for_port(self.port, self.process, self.log)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class RabbitMQServer(Server):
    def __init__(self, base: Path) -> None:
        super().__init__(base)
        self.port, self.dist_port, self.epmd_port = free_port(), free_port(), free_port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def command(self) -> list[str]:
        return [str(RABBITMQ)]

    def environment(self) -> dict[str, str]:
        data = self.base
        return {
            **os.environ,
            "HOME": str(data),  # its Erlang cookie
            "RABBITMQ_CONF_ENV_FILE": "/dev/null",
            "RABBITMQ_NODENAME": f"unihook{self.port}@localhost",
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "ERL_EPMD_PORT": str(self.epmd_port),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
            "RABBITMQ_MNESIA_BASE": str(data / "mnesia"),
            "RABBITMQ_LOG_BASE": str(data / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(data / "enabled_plugins"),
            "RABBITMQ_CONFIG_FILE": str(data / "rabbitmq"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(data / "advanced.config"),
            "RABBITMQ_PID_FILE": str(data / "pid"),
        }

    def close(self) -> None:
        self.stop()
        epmd = shutil.which("epmd")
        if epmd is not None:  # its port mapper outlives the node: stop ours
            subprocess.run(
                [epmd, "-kill"],
                env={**os.environ, "ERL_EPMD_PORT": str(self.epmd_port)},
                capture_output=True,
                check=False,
            )


class NATSServer(Server):
    def __init__(self, base: Path) -> None:
        super().__init__(base)
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        store = self.base / "jetstream"
        return [NATS, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(store)]

    def close(self) -> None:
        self.stop()


class MotoServer(Server):
    def __init__(self, base: Path) -> None:
        super().__init__(base)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def start(self) -> None:
        super().start()
        deadline = time.monotonic() + BOOT_SECONDS
        while True:  # the port opens before the app answers
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2):  # noqa: S310
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def close(self) -> None:
        self.stop()


@pytest.fixture(scope="session")
def rabbitmq_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitMQServer]:
    if not RABBITMQ.exists():
        missing("rabbitmq-server")
    server = RabbitMQServer(tmp_path_factory.mktemp("rabbitmq"))
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NATSServer]:
    if not Path(NATS).exists():
        missing("nats-server")
    server = NATSServer(tmp_path_factory.mktemp("nats"))
    try:
        server.start()
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def sqs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    server = MotoServer(tmp_path_factory.mktemp("moto"))
    try:
        server.start()
        yield server
    finally:
        server.close()
