"""The emulator in a test suite: `Emulator` starts one (or attaches to one running) and makes
the control-plane calls a test needs; `emulator.testing.plugin` is its pytest plugin."""

from emulator.testing.emulator import Account, Emulator, EmulatorError, Inbox, Session

__all__ = ["Account", "Emulator", "EmulatorError", "Inbox", "Session"]
