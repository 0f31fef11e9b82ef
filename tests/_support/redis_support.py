"""A real ``redis-server`` for the tests, on a free loopback port in a temporary directory:
plain, or a managed service's kind (TLS only, with a certificate authority made by the test,
and ACL users).

Missing ``redis-server`` (or ``openssl``, or a ``redis-server`` built without TLS) skips the
test locally and fails it in CI (``CI=true``), where ``.ci/run`` installs Debian's package.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._support.support import unavailable

#: Set to anything but "" / "0" / "false" to make a missing openssl or TLS build fail
#: the tests rather than skip them (CI requires them anyway).
REQUIRE_ENV = "YTSESSION_REQUIRE_REDIS_TLS"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_redis_server() -> str:
    """:return: the path of ``redis-server`` (skips the test, or fails it in CI, without)."""
    path = shutil.which("redis-server")
    if path is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def _openssl(*args: str) -> None:
    path = shutil.which("openssl")
    if path is None:
        unavailable(
            "openssl is not installed", require_env=REQUIRE_ENV, fix="apt-get install openssl"
        )
    subprocess.run([path, *args], check=True, capture_output=True, timeout=60)


@dataclass(frozen=True)
class Authority:
    """A certificate authority made for one test: its certificate and key (PEM files)."""

    cert: Path
    key: Path

    @classmethod
    def make(cls, directory: Path, name: str) -> Authority:
        """Make a new authority (an EC P-256 key, a self-signed certificate) in ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        cert, key = directory / f"{name}.crt", directory / f"{name}.key"
        _openssl(
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={name}",
        )  # fmt: skip
        return cls(cert, key)

    def issue(
        self,
        directory: Path,
        name: str,
        *,
        key_password: str | None = None,
        names: str = "IP:127.0.0.1,DNS:localhost",
    ) -> Issued:
        """Issue a certificate for ``names`` (its subjectAltName; a server's, or a
        client's), its key encrypted with ``key_password`` if given."""
        cert, key = directory / f"{name}.crt", directory / f"{name}.key"
        request, extensions = directory / f"{name}.csr", directory / f"{name}.ext"
        extensions.write_text(f"subjectAltName={names}\n")
        encrypt = ["-passout", f"pass:{key_password}"] if key_password else ["-nodes"]
        _openssl(
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", *encrypt,
            "-keyout", str(key), "-out", str(request), "-subj", f"/CN={name}",
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", str(request), "-CA", str(self.cert), "-CAkey", str(self.key),
            "-CAcreateserial", "-out", str(cert), "-days", "2", "-extfile", str(extensions),
        )  # fmt: skip
        return Issued(cert, key)


@dataclass(frozen=True)
class Issued:
    """A certificate and its key (PEM files) issued by an :class:`Authority`."""

    cert: Path
    key: Path


class RedisServer:
    """One ``redis-server`` process: started, stopped and started again on the same port
    and directory (a stop saves the data, so a restart has it back).

    :param directory: its working directory (the dump file lives there).
    :param password: ``requirepass`` (the ``default`` user's password), if any.
    :param tls: speak only TLS, with a certificate this authority issues, and require a
        client certificate from it (:attr:`client_cert`).
    :param users: ACL users, name to rules (``"on >password ~prefix:* -@all +get"``).
    :param server_names: the names its certificate carries (subjectAltName).
    """

    def __init__(
        self,
        directory: Path,
        *,
        password: str | None = None,
        tls: Authority | None = None,
        users: Mapping[str, str] | None = None,
        server_names: str = "IP:127.0.0.1,DNS:localhost",
    ) -> None:
        self.binary = require_redis_server()
        self.directory = directory
        self.password = password
        self.tls = tls
        self.users = dict(users or {})
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.server_cert: Issued | None = None
        self.client_cert: Issued | None = None
        if tls is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self.server_cert = tls.issue(directory, "redis-server", names=server_names)
            self.client_cert = tls.issue(directory, "redis-client")

    @property
    def url(self) -> str:
        """The ``default`` user's URL (for the tests' own checks)."""
        auth = f":{self.password}@" if self.password else ""
        return self.user_url(auth)

    def user_url(self, auth: str = "", **query: str) -> str:
        """:return: a URL of this server with ``auth`` (``"user:password@"``), over TLS
        (trusting the authority, with the client certificate) when it speaks only TLS, and
        the ``query`` parameters."""
        if self.tls is None or self.client_cert is None:
            base = f"redis://{auth}127.0.0.1:{self.port}/0"
        else:
            base = f"rediss://{auth}127.0.0.1:{self.port}/0"
            query = {
                "ssl_ca_certs": str(self.tls.cert),
                "ssl_certfile": str(self.client_cert.cert),
                "ssl_keyfile": str(self.client_cert.key),
                **query,
            }
        return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def start(self) -> None:
        args = [self.binary]
        if self.users:
            config = self.directory / "redis.conf"
            config.write_text("".join(f"user {n} {r}\n" for n, r in self.users.items()))
            args.append(str(config))
        if self.tls is not None and self.server_cert is not None:
            args += ["--port", "0", "--tls-port", str(self.port)]
            args += ["--tls-cert-file", str(self.server_cert.cert)]
            args += ["--tls-key-file", str(self.server_cert.key)]
            args += ["--tls-ca-cert-file", str(self.tls.cert), "--tls-auth-clients", "yes"]
        else:
            args += ["--port", str(self.port)]
        args += ["--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        if self.password:
            args += ["--requirepass", self.password]
        log = self.directory / "redis-server.log"
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                args, stdout=output, stderr=subprocess.STDOUT, cwd=self.directory
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                said = log.read_text(errors="replace")
                if self.tls is not None and "tls" in said.lower():
                    unavailable(
                        f"redis-server cannot speak TLS here: {said.strip()[-200:]}",
                        require_env=REQUIRE_ENV,
                        fix="install a redis-server built with TLS (Debian's is)",
                    )
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            try:
                with self._connect(0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start within 20 s")

    @contextlib.contextmanager
    def _connect(self, timeout: float) -> Iterator[socket.socket]:
        """A raw connection to the server (TLS when it speaks only TLS)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            if self.tls is None or self.client_cert is None:
                yield sock
                return
            context = ssl.create_default_context(cafile=str(self.tls.cert))
            context.check_hostname = False  # the chain is checked; the names are the tests'
            context.load_cert_chain(str(self.client_cert.cert), str(self.client_cert.key))
            with context.wrap_socket(sock, server_hostname="127.0.0.1") as wrapped:
                yield wrapped

    def stop(self) -> None:
        """Save the data (``SHUTDOWN SAVE``) and end the server."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            with self._connect(5) as sock:
                if self.password:
                    sock.sendall(f"AUTH {self.password}\r\n".encode())
                    sock.recv(64)
                sock.sendall(b"SHUTDOWN SAVE\r\n")
                sock.recv(64)
        except OSError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def client(self):  # type: ignore[no-untyped-def]
        """:return: a redis-py client of this server (for checks the store does not make)."""
        import redis

        return redis.Redis.from_url(self.url, decode_responses=True)
