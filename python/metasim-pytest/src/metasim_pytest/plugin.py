"""The pytest plugin (registered by the ``pytest11`` entry point).

Fixtures:
    metasim_server  one ``metasim serve`` for the whole session (a free port)
    metasim         a fresh sandbox for this test, deleted after it; its id is
                    the test's name (made safe), its seed ``--metasim-seed``
                    or a ``@pytest.mark.metasim(seed=…, fixture=…)`` marker's
"""

from __future__ import annotations

import re

import pytest

from .server import MetasimServer, Sandbox

MAX_ID = 64


def pytest_addoption(parser):
    group = parser.getgroup("metasim")
    group.addoption(
        "--metasim-seed",
        type=int,
        default=0,
        help="seed of every metasim sandbox (default 0)",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "metasim(**options): options for the test's metasim sandbox (seed, fixture, …)"
    )


def sandbox_id(node_name: str, counter: int) -> str:
    """A sandbox id from a test's name: letters, digits, '-', '_', at most 64."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", node_name).strip("-") or "test"
    suffix = f"-{counter}"
    return safe[: MAX_ID - len(suffix)] + suffix


@pytest.fixture(scope="session")
def metasim_server():
    server = MetasimServer.start()
    yield server
    server.stop()


_created = 0


@pytest.fixture
def metasim(request, metasim_server) -> Sandbox:
    global _created
    _created += 1
    options = {"seed": request.config.getoption("--metasim-seed")}
    marker = request.node.get_closest_marker("metasim")
    if marker is not None:
        options.update(marker.kwargs)
    options.setdefault("id", sandbox_id(request.node.name, _created))
    sandbox = metasim_server.create_sandbox(**options)
    yield sandbox
    metasim_server.delete_sandbox(sandbox.id)
