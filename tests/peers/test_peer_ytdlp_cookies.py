"""Cookie signing and cookies.txt judged by yt-dlp's own code.

SAPISIDHASH: random cookie sets, user session ids and times, each signed by ytsession and by
yt-dlp's YouTube extractor (its ``_get_sid_authorization_header`` reading the cookies from
its own jar). cookies.txt: every file ytsession writes is loaded by yt-dlp's
``YoutubeDLCookieJar`` and must give back the same cookies.
"""

from __future__ import annotations

import http.cookiejar
import random
import string
from pathlib import Path
from typing import Any

import pytest

from ytsession.youtube.cookies.sapisidhash import sapisidhash

from tests._support.peers_support import require_yt_dlp

ALPHABET = string.ascii_letters + string.digits + "-_/"
APISID_NAMES = ("SAPISID", "__Secure-1PAPISID", "__Secure-3PAPISID")


def _cookie(name: str, value: str, *, domain: str = ".youtube.com") -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, value, None, False, domain, True, True, "/", True, True, 2000000000,
        False, None, None, {},
    )  # fmt: skip


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        return self.now


def _ytdlp_youtube(monkeypatch: pytest.MonkeyPatch) -> tuple[Any, _Clock]:
    require_yt_dlp()
    import yt_dlp
    import yt_dlp.extractor.youtube._base as base

    clock = _Clock()
    monkeypatch.setattr(base, "time", clock)  # yt-dlp reads time.time() there
    ydl = yt_dlp.YoutubeDL({"quiet": True, "no_warnings": True})
    return ydl.get_info_extractor("Youtube"), clock


def test_sapisidhash_is_yt_dlps_for_random_cookies_and_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ie, clock = _ytdlp_youtube(monkeypatch)
    rng = random.Random(20261026)
    jar = ie._downloader.cookiejar
    checked = 0
    for _ in range(400):
        jar.clear()
        cookies = {}
        for name in APISID_NAMES:
            if rng.random() < 0.7:
                cookies[name] = "".join(rng.choices(ALPHABET, k=rng.randint(1, 40)))
        for name, value in cookies.items():
            jar.set_cookie(_cookie(name, value))
        # whole seconds, halves (round() to even, not truncation) and arbitrary fractions
        clock.now = rng.choice(
            [
                float(rng.randint(1_500_000_000, 2_000_000_000)),
                rng.randint(1_500_000_000, 2_000_000_000) + 0.5,
                rng.uniform(1_500_000_000, 2_000_000_000),
            ]
        )
        user = rng.choice([None, "".join(rng.choices(string.digits, k=21))])
        origin = rng.choice(["https://www.youtube.com", "https://music.youtube.com"])
        expected = ie._get_sid_authorization_header(origin=origin, user_session_id=user)
        assert sapisidhash(cookies, origin, user_session_id=user, now=clock.now) == expected
        checked += expected is not None
    assert checked > 300  # most cases signed something


def test_a_time_past_the_half_second_rounds_up_like_yt_dlp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ie, clock = _ytdlp_youtube(monkeypatch)
    ie._downloader.cookiejar.set_cookie(_cookie("SAPISID", "abc"))
    clock.now = 1_700_000_000.75
    expected = ie._get_sid_authorization_header()
    assert expected.startswith("SAPISIDHASH 1700000001_")
    assert sapisidhash({"SAPISID": "abc"}, now=clock.now) == expected


def test_cookies_txt_we_write_is_loaded_by_yt_dlps_jar(tmp_path: Path) -> None:
    require_yt_dlp()
    from yt_dlp.cookies import YoutubeDLCookieJar

    from ytsession.youtube.cookies.jar import YouTubeCookies

    rng = random.Random(7)
    for round_ in range(30):
        header = "; ".join(
            f"{name}={''.join(rng.choices(ALPHABET + '=.', k=rng.randint(1, 60)))}"
            for name in ("SID", "HSID", "SSID", "APISID", "SAPISID", "LOGIN_INFO", "PREF")
        )
        cookies = YouTubeCookies.from_cookie_header(header)
        path = tmp_path / f"cookies-{round_}.txt"
        cookies.save(path)
        jar = YoutubeDLCookieJar(str(path))
        jar.load()
        theirs = {c.name: c.value for c in jar if c.domain.endswith("youtube.com")}
        assert theirs == {name: cookies.get(name) for name in cookies.names()}


def test_a_file_with_a_bad_line_loads_the_same_cookies_in_both(tmp_path: Path) -> None:
    require_yt_dlp()
    from yt_dlp.cookies import YoutubeDLCookieJar

    from ytsession.youtube.cookies.jar import YouTubeCookies

    good = [
        "#HttpOnly_.youtube.com\tTRUE\t/\tTRUE\t2000000000\tSID\tsid-value",
        ".youtube.com\tTRUE\t/\tTRUE\t2000000000\tSAPISID\tsapisid/value",
        ".youtube.com\tTRUE\t/\tFALSE\t0\tLOGIN_INFO\tAFmm:xyz=",
        "www.youtube.com\tFALSE\t/\tFALSE\t2000000000\tHOSTONLY\th",
    ]
    bad = ".youtube.com    TRUE    /    FALSE    0    PREF    spaces-not-tabs"
    path = tmp_path / "cookies.txt"
    path.write_text("# Netscape HTTP Cookie File\n" + "\n".join([good[0], bad, *good[1:]]) + "\n")
    jar = YoutubeDLCookieJar(str(path))
    jar.load(ignore_discard=True, ignore_expires=True)
    ours = YouTubeCookies.from_file(path)
    assert {c.name: c.value for c in jar} == {n: ours.get(n) for n in ours.names()}

    # and what we write back from it, yt-dlp loads again
    ours.save(tmp_path / "again.txt")
    again = YoutubeDLCookieJar(str(tmp_path / "again.txt"))
    again.load(ignore_discard=True, ignore_expires=True)
    theirs = {(c.domain, c.name): (c.value, c.secure, bool(c.expires)) for c in again}
    assert theirs == {(c.domain, c.name): (c.value, c.secure, bool(c.expires)) for c in jar}


def test_cookies_yt_dlp_writes_are_read_by_us(tmp_path: Path) -> None:
    require_yt_dlp()
    from yt_dlp.cookies import YoutubeDLCookieJar

    from ytsession.youtube.cookies.jar import YouTubeCookies

    jar = YoutubeDLCookieJar(str(tmp_path / "theirs.txt"))
    for name, value in (("SID", "a"), ("SAPISID", "b/c"), ("LOGIN_INFO", "d:e="), ("YSC", "f")):
        jar.set_cookie(_cookie(name, value))
    jar.save(ignore_discard=True, ignore_expires=True)
    ours = YouTubeCookies.from_file(tmp_path / "theirs.txt")
    assert {n: ours.get(n) for n in ours.names()} == {c.name: c.value for c in jar}
    assert ours.is_logged_in()
