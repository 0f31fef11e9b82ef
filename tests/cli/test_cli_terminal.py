"""The command line as a person at a terminal sees it: a real pseudo-terminal, the emulator.

Login shows the code, a QR code and the browser offer, and ends with who is logged in;
Ctrl-D or Ctrl-C at any prompt ends in one line, never a traceback; a revoked login is
reported as dead with exit status 3.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ytsession.testing import (
    EMULATED_ACCOUNT_NAME,
    EMULATED_USER_EMAIL,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    PEERTUBE_2FA_PASSWORD,
    PEERTUBE_2FA_USERNAME,
    PEERTUBE_USERNAME,
    Emulator,
)

from tests._support.terminal_support import Terminal, login_without_a_terminal

GOOGLE = {
    "YTSESSION_CLIENT_ID": EMULATOR_CLIENT_ID,
    "YTSESSION_CLIENT_SECRET": EMULATOR_CLIENT_SECRET,
}
ACCOUNT = f"{EMULATED_ACCOUNT_NAME} ({EMULATED_USER_EMAIL})"


def _no_traceback(screen: str) -> None:
    assert "Traceback" not in screen and "Error:" not in screen.replace("ytsession:", ""), screen


def _browser_recorder(tmp_path: Path) -> tuple[str, Path]:
    """A $BROWSER that writes the URL it is given to a file (the browser the user has)."""
    record = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{record}"\n')
    script.chmod(0o755)
    return f"{script} %s", record


@pytest.mark.slow
def test_login_shows_code_qr_and_browser_offer_then_who_is_logged_in(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    browser, opened = _browser_recorder(tmp_path)
    terminal = Terminal(home, "login", "--server", emu.url, BROWSER=browser, **GOOGLE)
    terminal.expect(f"Open {emu.url}/device and enter the code ")
    user_code = emu.google.wait_for_user_code(timeout=30)
    terminal.expect("scan this QR code")
    terminal.expect("Press Enter to open the page in your browser.")  # after the QR code
    qr = terminal.screen.split("scan this QR code")[1].split("Press Enter")[0]
    assert "\u2588" in qr and "\u2584" in qr  # the QR code's blocks
    terminal.type("\n")
    terminal.expect("Opened the page in your browser.")
    (url,) = opened.read_text().split()
    assert url.startswith(f"{emu.url}/device?")
    assert parse_qs(urlsplit(url).query)["user_code"] == [user_code]  # the code filled in
    terminal.expect("left to approve")
    emu.google.approve(user_code)
    terminal.expect(f"Logged in as {ACCOUNT}; saved as profile default in {home}")
    assert terminal.finish() == 0
    assert "\r\x1b[K" in terminal.screen  # the countdown line is erased, not left behind
    _no_traceback(terminal.screen)


def test_the_qr_code_encodes_the_url_with_the_code(emu: Emulator, tmp_path: Path) -> None:
    from ytsession._console import complete_url, qr_code

    code = {"user_code": "BCD-FGH-JKL", "verification_url": f"{emu.url}/device"}
    url = complete_url(code)
    assert url == f"{emu.url}/device?user_code=BCD-FGH-JKL"
    drawn = qr_code(url)
    assert drawn is not None
    rows = drawn.splitlines()
    assert len({len(row) for row in rows}) == 1  # a square block of text
    import segno

    size = segno.make(url, error="l", micro=False).symbol_size(border=2)[0]
    assert len(rows[0]) == size and len(rows) == (size + 1) // 2


@pytest.mark.slow
def test_no_qr_and_no_browser(emu: Emulator, tmp_path: Path) -> None:
    browser, opened = _browser_recorder(tmp_path)
    terminal = Terminal(
        tmp_path / "home",
        "login",
        "--server",
        emu.url,
        "--no-qr",
        "--no-browser",
        BROWSER=browser,
        **GOOGLE,
    )
    terminal.expect("left to approve")
    emu.google.approve(emu.google.wait_for_user_code(timeout=30))
    terminal.expect("Logged in as")
    assert terminal.finish() == 0, terminal.screen
    assert "QR code" not in terminal.screen and "\u2588" not in terminal.screen, terminal.screen
    assert "Press Enter" not in terminal.screen and not opened.exists(), terminal.screen


@pytest.mark.slow
def test_a_browser_that_cannot_open_is_reported(emu: Emulator, tmp_path: Path) -> None:
    terminal = Terminal(
        tmp_path / "home",
        "login",
        "--server",
        emu.url,
        "--open-browser",
        BROWSER="false %s",
        **GOOGLE,
    )
    terminal.expect("Could not open a browser here: open the URL yourself")
    emu.google.approve(emu.google.wait_for_user_code(timeout=30))
    terminal.expect("Logged in as")
    assert terminal.finish() == 0


@pytest.mark.parametrize(("key", "status"), [("\x04", 1), ("\x03", 130)])
@pytest.mark.slow
def test_ctrl_d_and_ctrl_c_at_the_client_secret_prompt(
    emu: Emulator, tmp_path: Path, key: str, status: int
) -> None:
    terminal = Terminal(
        tmp_path / "home", "login", "--server", emu.url, "--client-id", EMULATOR_CLIENT_ID
    )
    terminal.expect("OAuth client secret: ")
    terminal.type(key)
    assert terminal.finish() == status
    _no_traceback(terminal.screen)
    if status == 1:
        assert "input ended before the client secret was entered; nothing was sent" in (
            terminal.screen
        )
    else:
        assert "ytsession: interrupted" in terminal.screen
    assert emu.log == []  # nothing was sent
    assert not (tmp_path / "home" / "profiles" / "default").exists()


@pytest.mark.parametrize("key", ["\x04", "\x03"])
@pytest.mark.slow
def test_ctrl_d_and_ctrl_c_at_the_peertube_prompts(emu: Emulator, tmp_path: Path, key: str) -> None:
    home = tmp_path / "home"
    # the username prompt
    terminal = Terminal(home, "login", "--peertube", emu.url)
    terminal.expect("Username or e-mail: ")
    terminal.type(key)
    assert terminal.finish() == (1 if key == "\x04" else 130)
    _no_traceback(terminal.screen)
    # the password prompt
    terminal = Terminal(home, "login", "--peertube", emu.url, "--username", PEERTUBE_USERNAME)
    terminal.expect(f"Password for {PEERTUBE_USERNAME}: ")
    terminal.type(key)
    assert terminal.finish() == (1 if key == "\x04" else 130)
    _no_traceback(terminal.screen)
    if key == "\x04":
        assert "input ended before the password was entered" in terminal.screen
    # the two-factor prompt
    terminal = Terminal(home, "login", "--peertube", emu.url, "--username", PEERTUBE_2FA_USERNAME)
    terminal.expect(f"Password for {PEERTUBE_2FA_USERNAME}: ")
    terminal.type(PEERTUBE_2FA_PASSWORD + "\n")
    terminal.expect("Two-factor code: ")
    terminal.type(key)
    assert terminal.finish() == (1 if key == "\x04" else 130)
    _no_traceback(terminal.screen)
    if key == "\x04":
        assert "input ended before the two-factor code was entered" in terminal.screen
    assert not (home / "profiles" / "default").exists()


@pytest.mark.slow
def test_status_of_a_revoked_login_says_dead_and_exits_3(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    login_without_a_terminal(emu, home, "--profile", "cron")
    terminal = Terminal(home, "status", "--profile", "cron")
    terminal.expect("valid (the server accepted the access token just now)")
    assert terminal.finish() == 0
    assert ACCOUNT in terminal.screen
    assert "min left; renewed automatically" in terminal.screen  # the access token, not the login

    emu.google.revoke_all()  # the user removed the app from their account
    terminal = Terminal(home, "status", "--profile", "cron")
    terminal.expect("DEAD")
    assert terminal.finish() == 3
    assert "`ytsession login --profile cron`" in terminal.screen
    _no_traceback(terminal.screen)


@pytest.mark.slow
def test_session_sign_in_without_a_listener_shows_the_code_on_a_terminal(
    emu: Emulator, tmp_path: Path
) -> None:
    code = (
        "from ytsession import OAuthCredentials, OAuthEndpoints, Session\n"
        f"c = OAuthCredentials({EMULATOR_CLIENT_ID!r}, {EMULATOR_CLIENT_SECRET!r}, "
        f"endpoints=OAuthEndpoints.under({emu.url!r}))\n"
        f"s = Session.create(base_url={emu.url!r}, cache=False, generate_session_locally=True)\n"
        "s.sign_in(c)\n"
        "print('signed in with', s.client_name)\n"
    )
    terminal = Terminal(tmp_path / "home", code=code)
    terminal.expect(f"Open {emu.url}/device and enter the code ")
    terminal.expect("left to approve")
    qr = terminal.screen.split("scan this QR code")[1]
    assert "\u2588" in qr
    emu.google.approve(emu.google.wait_for_user_code(timeout=30))
    terminal.expect("signed in with TVHTML5")
    assert terminal.finish() == 0
    assert "Logged in" in terminal.screen
