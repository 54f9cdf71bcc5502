"""Helpers shared by the verifier tests (paths, running the verifier in a page)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
STATIC = ROOT / "src" / "shuangsuiji" / "web" / "static"
#: The worked example of the design (shared with the lottery's own tests, byte for byte).
SHARED_VECTORS = Path("/work/shared/design/vectors")
VECTORS = SHARED_VECTORS if SHARED_VECTORS.is_dir() else ROOT / "tests" / "lottery" / "vectors"
MATCHING_VECTORS = ROOT / "tests" / "lottery" / "matching_vectors"


def verify_in_page(page: Page, files: dict[str, str], **options: Any) -> dict[str, Any]:
    """Fetch the named URL paths in the page and run ``ShuangsuijiVerifier.verify``.

    ``files`` maps population / draw / matching / matchingInputs to URL paths. The verdict
    comes back as JSON (BigInts and the like are not expected in it).
    """
    result: dict[str, Any] = page.evaluate(
        """async ([files, options]) => {
            const V = window.ShuangsuijiVerifier;
            const loaded = {};
            for (const [key, url] of Object.entries(files)) {
                const response = await fetch(url);
                if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
                loaded[key] = new Uint8Array(await response.arrayBuffer());
            }
            const t0 = performance.now();
            const verdict = await V.verify(loaded, options);
            verdict.wall_ms = performance.now() - t0;
            return JSON.parse(JSON.stringify(verdict));
        }""",
        [files, options],
    )
    return result


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
