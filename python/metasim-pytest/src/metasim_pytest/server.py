"""A metasim process and its control plane, with the standard library only.

``MetasimServer.start`` runs ``metasim serve --port 0 --quiet`` (the binary
from ``$METASIM_BIN``, else ``metasim`` on the PATH), reads the ready line for
the address, and stops the process on ``stop``. ``create_sandbox`` is
``POST /_sim/sandboxes``; a ``Sandbox`` carries what a test needs to point an
SDK at it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Optional

GRAPH_VERSION = "v23.0"
READY_PREFIX = "metasim ready at "
START_TIMEOUT_SECONDS = 30


class MetasimError(RuntimeError):
    """metasim could not be started, or its control plane refused a call."""


def _binary() -> str:
    configured = os.environ.get("METASIM_BIN")
    if configured:
        if not os.access(configured, os.X_OK):
            raise MetasimError(f"METASIM_BIN={configured!r} is not an executable file")
        return configured
    found = shutil.which("metasim")
    if found is None:
        raise MetasimError(
            "metasim is not on the PATH: install it with `cargo install --path simulator` "
            "(from a metasim checkout) or set METASIM_BIN to the binary"
        )
    return found


@dataclass
class Sandbox:
    """One isolated tenant of a metasim server."""

    id: str
    seed: int
    base_url: str
    handles: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    app_secrets: dict = field(default_factory=dict)
    _server: Optional["MetasimServer"] = field(default=None, repr=False)

    @property
    def graph_url(self) -> str:
        """The Graph base URL with a version, e.g. ``http://127.0.0.1:5000/v23.0``."""
        return f"{self.base_url}/{GRAPH_VERSION}"

    @property
    def control_url(self) -> str:
        """This sandbox's control plane, ``…/_sim/sandboxes/{id}``."""
        return f"{self.base_url}/_sim/sandboxes/{self.id}"

    def sim(self, method: str, path: str, body: Any = None) -> Any:
        """Call this sandbox's control plane (``path`` like ``/clock/advance``)."""
        assert self._server is not None
        return self._server.call(method, f"/_sim/sandboxes/{self.id}{path}", body)


class MetasimServer:
    """A running ``metasim serve``."""

    def __init__(self, process: subprocess.Popen, base_url: str):
        self.process = process
        self.base_url = base_url

    @classmethod
    def start(cls, extra_args: tuple = ()) -> "MetasimServer":
        command = [_binary(), "serve", "--port", "0", "--quiet", *extra_args]
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        first = process.stdout.readline()
        if not first.startswith(READY_PREFIX):
            process.kill()
            _, errors = process.communicate(timeout=START_TIMEOUT_SECONDS)
            raise MetasimError(f"metasim did not start: {first.strip()} {errors.strip()}")
        return cls(process, first[len(READY_PREFIX):].strip())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=START_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """A control-plane call; the parsed JSON answer, or ``MetasimError``
        with Meta's error message."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise MetasimError(f"{method} {path}: HTTP {error.code}: {detail}") from None

    def create_sandbox(self, **options: Any) -> Sandbox:
        """``POST /_sim/sandboxes`` with ``options`` (``id``, ``seed``,
        ``fixture``, ``delivery``, ``clock``, … as docs/control-plane.md says)."""
        info = self.call("POST", "/_sim/sandboxes", options)
        return Sandbox(
            id=info["id"],
            seed=info["seed"],
            base_url=self.base_url,
            handles=info["handles"],
            tokens=info["tokens"],
            app_secrets=info["app_secrets"],
            _server=self,
        )

    def delete_sandbox(self, sandbox_id: str) -> None:
        self.call("DELETE", f"/_sim/sandboxes/{sandbox_id}")
