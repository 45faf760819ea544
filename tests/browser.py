"""The headless Chromium the workspace's browser tests share: one per test module."""

import pytest
import served


@pytest.fixture(scope="module")
def chromium():
    """Start headless Chromium (Debian's, through Playwright) once for the module; close it after."""
    from playwright.sync_api import sync_playwright  # the modules that use it skip without Playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=served.CHROMIUM, args=served.CHROMIUM_ARGS)
        yield browser
        browser.close()
