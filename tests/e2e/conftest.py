"""End-to-end tests in real Chromium (Playwright) against a live server and the sandbox.

Chromium comes from the system (`CHROMIUM_PATH`, default /usr/bin/chromium); Playwright never
downloads a browser. Without Chromium these tests are skipped with a clear reason — except under
CI=true, where a missing browser fails the run.
"""

import os
from pathlib import Path

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if not Path(path).exists():
        message = f"Chromium not found at {path} (install it, or set CHROMIUM_PATH)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}; under CI=true browser tests must run.")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(items):
    """Mark the browser tests and run them last: Playwright's sync API keeps an event loop
    running in the main thread for the rest of the session, which `asyncio.run()` in later
    tests would trip over."""
    here = Path(__file__).parent
    browser = [item for item in items if Path(item.fspath).is_relative_to(here)]
    for item in browser:
        item.add_marker(pytest.mark.browser)
    items[:] = [item for item in items if item not in browser] + browser
