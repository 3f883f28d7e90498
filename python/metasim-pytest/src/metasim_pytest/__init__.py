"""pytest fixtures for metasim (see README.md): ``metasim_server`` starts the
``metasim`` binary once per test session on a free port; ``metasim`` gives
each test its own sandbox (base URL, tokens, handles) and deletes it after.
"""

from .server import MetasimServer, Sandbox, MetasimError

__all__ = ["MetasimServer", "Sandbox", "MetasimError"]
