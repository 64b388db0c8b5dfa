"""Screenshots for the README: an exercise pack's facilitator guide and an inject card at phone width (390 px),
taken with headless Chromium from file:// with the network off. Run from the repository: .venv/bin/python
tools/exercise_screenshots.py"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from generator.build import build  # noqa: E402
from tests.browser.conftest import ARGS  # noqa: E402
from tests.conftest import copy_example  # noqa: E402

out = ROOT / "screenshots"
with tempfile.TemporaryDirectory() as tmp:
    site = build(copy_example(Path(tmp) / "p"), strict=True).site
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        context = browser.new_context(offline=True, viewport={"width": 390, "height": 844}, device_scale_factor=2)
        page = context.new_page()
        page.goto((site / "exercise" / "ransomware.html").as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(out / "exercise-guide-390px.png"))
        page.set_viewport_size({"width": 390, "height": 1600})
        # Below the sticky header, so the card is whole in the shot.
        page.evaluate("() => window.scrollTo(0, document.getElementById('inject-deputy-crisis-lead')"
                      ".getBoundingClientRect().top + window.scrollY - 70)")
        page.locator("#inject-deputy-crisis-lead").screenshot(path=str(out / "inject-card-390px.png"))
        browser.close()
print("ok")
