"""Every time-zone name a playbook may use is one Chromium's Intl knows, and Intl knows no zone we refuse."""

from __future__ import annotations

from typing import Any

import pytest

from generator.zones import accepted_timezones, canonical_zones

pytestmark = pytest.mark.browser


def test_every_accepted_zone_works_in_chromium_and_every_chromium_zone_is_accepted(browser: Any) -> None:
    page = browser.new_page()
    try:
        refused = page.evaluate("""zones => zones.filter(zone => {
            try { new Intl.DateTimeFormat('en', {timeZone: zone}); return false; } catch (e) { return true; }
        })""", accepted_timezones())
        supported = page.evaluate("Intl.supportedValuesOf('timeZone')")
    finally:
        page.close()
    assert refused == []
    assert sorted(set(supported) - set(accepted_timezones())) == []  # Chromium's canonical names, some our aliases
    assert len(canonical_zones()) > 300
