"""The portal tests use the task scenario (a library of catering businesses of 新县)."""

from tests.tasks.conftest import scenario  # noqa: F401 - fixture re-export
