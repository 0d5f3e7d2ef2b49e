"""Progress output: a spinner on a terminal, plain lines otherwise (CI logs, pipes)."""

from __future__ import annotations

from typing import TextIO

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class Progress:
    def __init__(self, out: TextIO, *, interactive: bool) -> None:
        self.out = out
        self._interactive = interactive
        self._tick = 0
        self._last_plain: str | None = None
        self._spinning = False

    def _end_spin(self) -> None:
        if self._spinning:
            self.out.write("\r\x1b[2K")
            self._spinning = False

    def line(self, text: str) -> None:
        self._end_spin()
        self.out.write(text + "\n")
        self.out.flush()

    def step(self, text: str) -> None:
        self._last_plain = None
        self.line(f"\n▶ {text}" if self._interactive else f"\n== {text}")

    def ok(self, text: str) -> None:
        self.line(f"  ✓ {text}")

    def fail(self, text: str) -> None:
        self.line(f"  ✗ {text}")

    def spin(self, text: str) -> None:
        """Show that we are waiting; on a terminal a spinner, elsewhere each new status once."""
        if self._interactive:
            frame = SPINNER[self._tick % len(SPINNER)]
            self._tick += 1
            self.out.write(f"\r\x1b[2K  {frame} {text}")
            self._spinning = True
            self.out.flush()
        elif text != self._last_plain:
            self._last_plain = text
            self.line(f"  … {text}")
