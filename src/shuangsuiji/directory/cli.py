"""`shuangsuiji import` and `shuangsuiji export` (directory files).  Importing this module
must not import Django: the lottery commands run without it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def register(subparsers: Any, *, django_setup: Callable[[], None]) -> None:
    """Add the directory commands.  ``django_setup`` is called before any command runs."""
    del subparsers, django_setup  # the import/export commands are added by issue 3's work


def _unused(_: argparse.Namespace) -> int:  # pragma: no cover
    return 0
