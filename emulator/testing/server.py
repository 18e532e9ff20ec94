"""The emulator's HTTP server in a thread of the test process, on its own event loop.

In-process rather than a subprocess: nothing to import again, so it answers in a fraction of
a second, and stopping it is a flag and a join, which runs the app's shutdown in full.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import uvloop

from emulator.cli import emulator_server
from emulator.config import Settings
from emulator.core import Core

START_TIMEOUT_SECONDS = 30
_POLL_SECONDS = 0.001


class ServerThread:
    def __init__(self, settings: Settings) -> None:
        # Built here, so a bad setting or fixture file fails in the caller with its own message.
        core = Core(settings)
        # log_config=None: leave the test process's logging as it is.
        self._server = emulator_server(settings, core, log_config=None)
        self._socket = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
        self._socket.bind((settings.host, settings.port))
        self.port: int = self._socket.getsockname()[1]
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"wasender-emulator:{self.port}", daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                reason = self._failure or "its start-up failed (see the log)"
                raise RuntimeError(f"the emulator did not start: {reason}")
            time.sleep(_POLL_SECONDS)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join()
        self._socket.close()

    def _run(self) -> None:
        try:
            with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
                runner.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported by start(); a thread's exception has nowhere else to go
            self._failure = exc
