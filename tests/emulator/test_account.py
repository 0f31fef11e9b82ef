"""The signed-in account as YouTube.js asks it: ``account/accounts_list`` as the TV client for
an OAuth login, ``account/account_menu`` as ``WEB`` for cookies, one reader for both shapes.

(The real recorded ``accounts_list`` answer is replayed in ``test_recordings_replay.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ytsession import CookieAuth, OAuthCredentials, Session, YouTubeCookies
from ytsession.cli import main
from ytsession.store.profiles import Profile, ProfileSettings
from ytsession.testing import EMULATED_ACCOUNT_NAME, EMULATED_USER_EMAIL, Emulator
from ytsession.youtube.innertube.account import (
    ACCOUNT_MENU,
    ACCOUNTS_LIST,
    Account,
    account_name,
    current_account,
    read_account,
)

from tests._support.support import logged_in_token

ACCOUNT = f"{EMULATED_ACCOUNT_NAME} ({EMULATED_USER_EMAIL})"


def _item(name: str, byline: str, *, selected: bool | None) -> dict[str, object]:
    item: dict[str, object] = {
        "accountName": {"runs": [{"text": name}]},
        "accountByline": {"simpleText": byline},
    }
    if selected is not None:
        item["isSelected"] = selected
    return {"accountItem": item}


def _accounts_list(*entries: dict[str, object]) -> dict[str, object]:
    section = {"accountItemSectionRenderer": {"contents": list(entries)}}
    return {"contents": [{"accountSectionListRenderer": {"contents": [section]}}]}


def test_accounts_list_names_the_selected_account_of_several() -> None:
    link = {"compactLinkRenderer": {"title": {"simpleText": "Add account"}}}
    answer = _accounts_list(
        _item("Brand", "@brand", selected=False), link, _item("Me", "me@example.com", selected=True)
    )
    assert read_account(answer) == Account("Me", "me@example.com")
    assert account_name(answer) == "Me (me@example.com)"


def test_accounts_list_without_a_selected_account_names_one_only_when_it_is_alone() -> None:
    assert read_account(_accounts_list(_item("Me", "", selected=None))) == Account("Me")
    two = _accounts_list(_item("A", "a@x", selected=None), _item("B", "b@x", selected=None))
    assert read_account(two) is None
    assert read_account(_accounts_list()) is None
    assert read_account({"contents": "not a list"}) is None
    assert read_account(["not", "an", "answer"]) is None


def test_account_menu_is_read_by_the_same_function() -> None:
    menu = {
        "actions": [
            {
                "openPopupAction": {
                    "popup": {
                        "multiPageMenuRenderer": {
                            "header": {
                                "activeAccountHeaderRenderer": {
                                    "accountName": {"simpleText": "Me"},
                                    "channelHandle": {"simpleText": "@me"},
                                }
                            }
                        }
                    }
                }
            }
        ]
    }
    assert read_account(menu) == Account("Me", "@me")


def test_an_oauth_session_asks_accounts_list_as_the_tv_client(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=3600)
    with Session.create(auth=token, base_url=emu.url, cache=False) as session:
        account = current_account(session)
    assert str(account) == ACCOUNT
    (asked,) = [call for call in emu.innertube.calls if call.endpoint.startswith("account/")]
    assert (asked.endpoint, asked.client_name, asked.signed_in) == (ACCOUNTS_LIST, "TVHTML5", True)
    assert asked.body["callCircumstance"] == 2  # what YouTube.js's Account.getInfo() posts


def test_a_cookie_session_asks_account_menu_as_web(emu: Emulator, cookie_file: Path) -> None:
    auth = CookieAuth(
        YouTubeCookies.from_file(cookie_file),
        host_aliases={f"127.0.0.1:{emu.port}": "www.youtube.com"},
    )
    with Session.create(auth=auth, base_url=emu.url, cache=False) as session:
        account = current_account(session)
    assert str(account) == ACCOUNT
    (asked,) = [call for call in emu.innertube.calls if call.endpoint.startswith("account/")]
    assert (asked.endpoint, asked.client_name) == (ACCOUNT_MENU, "WEB")


def test_the_emulator_answers_accounts_list_logged_out_with_no_account(emu: Emulator) -> None:
    with Session.create(base_url=emu.url, client="TVHTML5", cache=False) as session:
        assert current_account(session) is None


def test_whoami_and_status_of_a_tv_login_name_the_account_from_accounts_list(
    emu: Emulator,
    credentials: OAuthCredentials,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = Profile.named("default")
    logged_in_token(emu, credentials, profile.token_path, expires_in=3600)
    settings = ProfileSettings(
        kind="oauth",
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        endpoints=credentials.endpoints.as_dict(),
        scope=credentials.scope,
    )
    settings.extra["server"] = emu.url
    profile.save_settings(settings)

    assert main(["whoami"]) == 0
    assert capsys.readouterr().out == ACCOUNT + "\n"
    assert main(["status"]) == 0
    assert ACCOUNT in capsys.readouterr().out
    asked = [call for call in emu.innertube.calls if call.endpoint.startswith("account/")]
    assert {(call.endpoint, call.client_name) for call in asked} == {(ACCOUNTS_LIST, "TVHTML5")}
