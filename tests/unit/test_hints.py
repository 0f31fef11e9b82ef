"""Library errors give their advice in Python words; the command line's words are kept for
``cli_message()`` (what ``ytsession`` prints), and a bad server URL is a library error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ytsession.errors import NotLoggedInError, ProfileError, ServerURLError, YTSessionError
from ytsession.store.profiles import Profile
from ytsession.store.servers import checked_server_url, named_server


@pytest.mark.parametrize(
    "url", ["youtube.example:8765", "ftp://127.0.0.1:21", "http://127.0.0.1:99999", "http://[::1"]
)
def test_an_unusable_server_url_is_a_typed_library_error(url: str) -> None:
    with pytest.raises(ServerURLError) as caught:
        checked_server_url(url, what="base_url=")
    assert isinstance(caught.value, YTSessionError) and isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"base_url= {url!r}")
    with pytest.raises(ServerURLError):
        named_server(None, environ={"YTSESSION_SERVER": url})


def test_a_profile_without_cookies_says_what_to_do_in_both_words(tmp_path: Path) -> None:
    profile = Profile.named("work", home=tmp_path)
    with pytest.raises(NotLoggedInError) as caught:
        profile.load_cookies()
    assert str(caught.value) == (
        "profile 'work' has no cookies; store the cookies first: "
        "Profile('work').save_login(settings, cookies=...), or pass the cookies to Session"
    )
    assert caught.value.cli_message() == (
        "profile 'work' has no cookies; run `ytsession login --cookies FILE --profile work` first"
    )


def test_an_unusable_default_profile_file_names_no_command_in_python(tmp_path: Path) -> None:
    (tmp_path / "default-profile").write_text("../etc\n")
    with pytest.raises(ProfileError) as caught:
        Profile.named(None, home=tmp_path)
    assert "ytsession profiles use" not in str(caught.value)
    assert "$YTSESSION_PROFILE" in str(caught.value)
    assert caught.value.cli_message().endswith("`ytsession profiles use NAME`")


def test_a_tv_page_without_its_script_advises_an_own_client_in_both_words() -> None:
    import requests

    from ytsession.errors import OAuthServerError
    from ytsession.oauth.tv_client import discover_youtube_tv_client

    from tests._support.faulty_server import Answer, FaultyServer, answer

    page = Answer(status=200, body=b"<html>no script here</html>", headers={})
    with (
        FaultyServer(answer(page)) as server,
        requests.Session() as session,
        pytest.raises(OAuthServerError) as caught,
    ):
        discover_youtube_tv_client(session, server.url + "/tv", timeout=5)
    assert "--client-id" not in str(caught.value)
    assert str(caught.value).endswith("OAuthCredentials(client_id, client_secret)")
    assert caught.value.cli_message().endswith("with --client-id and --client-secret")


def test_the_library_names_the_profile_by_the_rule_commands_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After `ytsession profiles use work`, a bare `ytsession login` logs in to 'work': the
    # advice for profile 'default' must name it, and the advice for 'work' need not.
    monkeypatch.delenv("YTSESSION_PROFILE", raising=False)
    (tmp_path / "default-profile").write_text("work\n")
    for name, command in (
        ("default", "`ytsession login --cookies FILE --profile default`"),
        ("work", "`ytsession login --cookies FILE`"),
    ):
        with pytest.raises(NotLoggedInError) as caught:
            Profile.named(name, home=tmp_path).load_cookies()
        assert f"run {command} first" in caught.value.cli_message()
