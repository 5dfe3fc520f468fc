"""The ``kiosk`` command.

``kiosk`` and ``kiosk --config PATH`` start the counter screen, and are read here without
loading the clerk's tools (:mod:`kiosk.cli.commands`), so the login shows as fast as the
screen itself can. Everything else, ``--help`` included, goes to the commands.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO


def counter_screen_config(argv: Sequence[str]) -> tuple[bool, Path | None]:
    """(True, --config PATH or None) when the words ask only for the counter screen."""
    words = list(argv)
    if not words:
        return True, None
    if len(words) == 2 and words[0] == "--config":
        return True, Path(words[1])
    if len(words) == 1 and words[0].startswith("--config="):
        return True, Path(words[0].removeprefix("--config="))
    return False, None


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    screen, config = counter_screen_config(words)
    if screen:
        from kiosk.cli.screen import start_counter

        return start_counter(config)
    from kiosk.cli.commands import main as run_command

    return run_command(words, out)
