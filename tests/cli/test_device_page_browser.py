"""The emulator's device page in a real headless Chromium (Debian's ``chromium`` and
``chromium-driver``), at phone and desktop sizes: a person types the code and approves,
and the ``ytsession login`` that was waiting completes.

Skipped locally when Chromium or its driver is missing; CI installs them and sets
``YTSESSION_REQUIRE_BROWSER=1``, so there it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ytsession.testing import (
    EMULATED_ACCOUNT_NAME,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    Emulator,
)

from tests._support.terminal_support import clean_env

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    if missing:
        message = f"a headless browser is needed: missing {', '.join(missing)}"
        if os.environ.get("YTSESSION_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def browser() -> Iterator[Any]:
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="ytsession-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait_for_text(driver: Any, selector: str, text: str) -> None:
    """Wait until the page the click led to shows ``text`` in ``selector``."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(
        driver,
        30,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    ).until(lambda d: text in d.find_element(By.CSS_SELECTOR, selector).text)


def _start_login(emu: Emulator, home: Path) -> subprocess.Popen[str]:
    env = clean_env(
        home,
        YTSESSION_CLIENT_ID=EMULATOR_CLIENT_ID,
        YTSESSION_CLIENT_SECRET=EMULATOR_CLIENT_SECRET,
    )
    return subprocess.Popen(
        [sys.executable, "-m", "ytsession", "login", "--server", emu.url],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_person_approves_on_the_device_page_and_the_waiting_login_completes(
    emu: Emulator, tmp_path: Path, browser: Any, size: str
) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    width, height = SIZES[size]
    driver.set_window_size(width, height)
    login = _start_login(emu, tmp_path / "home")
    try:
        user_code = emu.google.wait_for_user_code(timeout=30)
        driver.get(f"{emu.url}/device")
        assert driver.title.endswith("ytsession emulator")
        find = driver.find_element
        banner = find(By.CSS_SELECTOR, ".emulator")
        assert "emulator" in banner.text.lower() and banner.is_displayed()
        field = find(By.ID, "user_code")
        assert driver.switch_to.active_element == field  # autofocus
        # it fits the screen: nothing wider than the window, the buttons big enough to tap
        page_width = driver.execute_script("return document.documentElement.scrollWidth")
        inner_width = driver.execute_script("return window.innerWidth")
        assert page_width <= inner_width
        allow = find(By.CSS_SELECTOR, "button[value=allow]")
        assert allow.size["height"] >= 40 and allow.is_displayed()
        if size == "phone":
            assert field.size["width"] <= width and field.size["width"] >= width * 0.6
        field.send_keys(user_code.replace("-", "").lower())  # as people type it
        allow.click()
        _wait_for_text(driver, "h1", "Access granted")
        _, err = login.communicate(timeout=60)
    finally:
        if login.poll() is None:
            login.kill()
            login.wait()
    assert login.returncode == 0, err
    assert f"Logged in as {EMULATED_ACCOUNT_NAME}" in err


def test_a_wrong_code_is_said_on_the_page(emu: Emulator, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.set_window_size(*SIZES["phone"])
    driver.get(f"{emu.url}/device?user_code=BCD-FGH-JKL")
    find = driver.find_element
    assert find(By.ID, "user_code").get_attribute("value") == "BCD-FGH-JKL"
    find(By.CSS_SELECTOR, "button[value=allow]").click()
    _wait_for_text(driver, "[role=alert]", "didn\u2019t work")
