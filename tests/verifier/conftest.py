"""The in-browser verifier (web/static/web/verifier.js) in real Chromium, without Django.

A small ``http.server`` on 127.0.0.1 serves the script, a static harness page, the worked
examples and files the tests generate. 127.0.0.1 is a secure context, so ``crypto.subtle``
exists there, as it does on a real HTTPS deployment; the tests that need the plain-JS
SHA-256 fallback force it.

Chromium is the system one (``apt-get install chromium fonts-noto-cjk``); without it every
test here is skipped with the reason, like tests/browser.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from .support import HERE, MATCHING_VECTORS, STATIC, VECTORS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
TIMEOUT_MS = 60_000
SKIP_REASON = f"verifier tests need Chromium at {CHROMIUM}: apt-get install chromium fonts-noto-cjk"
# Playwright's sync API keeps an asyncio loop running in this thread while it is open, and
# Django then refuses ORM calls from any later test in the same worker (see tests/browser).
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    for item in items:
        if "browser" in item.keywords and HERE in item.path.parents:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


class _Handler(SimpleHTTPRequestHandler):
    """Serves a few mounted directories; quiet, and never cached."""

    mounts: dict[str, Path] = {}

    def translate_path(self, path: str) -> str:
        clean = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, directory in self.mounts.items():
            if clean.startswith(prefix):
                rest = clean[len(prefix) :]
                target = (directory / rest).resolve()
                if directory.resolve() in target.parents or target == directory.resolve():
                    return str(target)
        return str(Path("/nonexistent") / clean.lstrip("/"))

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Server:
    """The running server: ``url(path)`` and ``gen`` (a directory served at /gen/)."""

    def __init__(self, base: str, gen: Path) -> None:
        self.base = base
        self.gen = gen

    def url(self, path: str) -> str:
        return self.base + path

    def publish(self, name: str, data: bytes) -> str:
        """Write a generated file under /gen/ and return its URL path."""
        (self.gen / name).write_bytes(data)
        return f"/gen/{name}"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    gen = tmp_path_factory.mktemp("verifier-gen")
    mounts = {
        "/static/": STATIC,
        "/vectors/": VECTORS,
        "/mvectors/": MATCHING_VECTORS,
        "/harness/": HERE / "harness",
        "/gen/": gen,
    }
    handler = partial(type("Handler", (_Handler,), {"mounts": mounts}), directory=str(gen))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", gen)
    finally:
        httpd.shutdown()
        httpd.server_close()
        shutil.rmtree(gen, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, server: Server) -> Iterator[OpenPage]:
    """``open_page(path="/harness/harness.html", init_script=None, locale="zh-CN")``: a page
    with the verifier loaded; the test fails if the page throws a JavaScript error."""
    contexts = []
    errors: list[str] = []

    def make(
        path: str = "/harness/harness.html",
        init_script: str | None = None,
        locale: str = "zh-CN",
    ) -> Page:
        context = browser.new_context(locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(server.url(path))
        page.wait_for_function("() => window.ShuangsuijiVerifier !== undefined")
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(open_page: OpenPage) -> Page:
    return open_page()
