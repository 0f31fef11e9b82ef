"""The shapes the emulated InnerTube answers in, as pure builders, modelled on real answers
(``../shared/recordings/`` beside the checkout): visitor data, the JSPB ``sw.js_data``
body, the two account answers (``account/accounts_list``, ``account/account_menu``), the
answers of the endpoints that keep no state, and the loader and player scripts.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

__all__ = [
    "EXTRA_CONTEXT",
    "JSPB_LISTED",
    "account_menu_answer",
    "accounts_list_answer",
    "browse_answer",
    "config_answer",
    "iframe_api_script",
    "jspb",
    "next_answer",
    "player_script",
    "search_answer",
    "sw_js_data_body",
    "visitor_data",
]

#: How many fields a sparse JSPB message lists before its trailing object (the recorded
#: sw.js_data bodies list 46 fields and the object: 47 elements).
JSPB_LISTED = 46
#: The dense length of sw.js_data's device info (its highest field is 108).
_DEVICE_INFO_DENSE = 110


def _varint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def visitor_data(visitor_id: str, issued_at: int, region: str) -> str:
    """Visitor data: field 1 the id, field 5 the time, field 6 a nested message with the
    region, as real visitor data carries."""
    nested = b"\x0a" + bytes([len(region)]) + region.encode("ascii") + b"\x12\x04\x1a\x00\x20\x2a"
    raw = (
        b"\x0a\x0b"
        + visitor_id.encode("ascii")
        + b"\x28"
        + _varint(issued_at)
        + b"\x32"
        + bytes([len(nested)])
        + nested
    )
    return urllib.parse.quote(base64.urlsafe_b64encode(raw).decode("ascii"), safe="")


def jspb(fields: Mapping[int, object], *, dense: int | None = None) -> list[object]:
    """A JSPB message from field values by number (1-based).

    :param fields: the values by field number.
    :param dense: pad the list to this length instead of the sparse form YouTube sends
        (fields past :data:`JSPB_LISTED` in a trailing object keyed by number as text).
    """
    if dense is not None:
        padded: list[object] = [None] * dense
        for number, value in fields.items():
            padded[number - 1] = value
        return padded
    values: list[object] = [None] * JSPB_LISTED
    tail: dict[str, object] = {}
    for number, value in fields.items():
        if number <= JSPB_LISTED:
            values[number - 1] = value
        else:
            tail[str(number)] = value
    return [*values, tail] if tail else values


def sw_js_data_body(
    *,
    lang: str,
    visitor: str,
    client_version: str,
    app_install_data: str,
    device_experiment_id: str,
    rollout_token: str,
    api_key: str,
    sparse: bool = True,
) -> str:
    """A ``/sw.js_data`` body shaped like a recorded one.

    The device info message by field number (its dense index + 1): 1 hl, 2 gl, 4 remote
    host, 14 visitor data, 17 WEB client version, 18/19 OS, 62 config (field 6:
    ``appInstallData``), 87/88 browser, 104 device experiment id, 108 rollout token.
    The payload's field 1 holds the device info in its own field 1 (``data[0][2][0][0]``);
    its field 2 is the API key and field 10 the visitor data again.

    :param sparse: the sparse form real servers send; ``False`` pads the device info to a
        dense list.
    """
    fields: dict[int, object] = {
        1: lang,
        2: "US",
        4: "127.0.0.1",
        14: visitor,
        17: client_version,
        18: "X11",
        19: "",
        62: [None, None, None, None, None, app_install_data],
        87: "Chrome",
        88: "131.0.0.0",
        104: device_experiment_id,
        108: rollout_token,
    }
    info = jspb(fields, dense=None if sparse else _DEVICE_INFO_DENSE)
    payload: list[object] = [[info, None, None, None, None, None], api_key]
    payload += [None, None, "", "", None, None, None, visitor]
    body = [["yt.sw.adr", None, payload, "V0emulated||"]]
    return ")]}'\n\n" + json.dumps(body, separators=(",", ":"))


def accounts_list_answer(*, name: str | None, byline: str, gaia_id: str) -> dict[str, Any]:
    """An ``account/accounts_list`` answer in the recorded shape: one selected
    ``accountItem`` (``name`` and ``byline``), or none when ``name`` is ``None`` (not
    signed in)."""
    items: list[dict[str, Any]] = []
    if name is not None:
        tokens = [
            {
                "accountStateToken": {
                    "hasChannel": True,
                    "isMerged": True,
                    "obfuscatedGaiaId": gaia_id,
                }
            },
            {"datasyncIdToken": {"datasyncIdToken": f"{gaia_id}||"}},
        ]
        items.append(
            {
                "accountItem": {
                    "accountName": {"simpleText": name},
                    "accountPhoto": {"thumbnails": []},
                    "isSelected": True,
                    "isDisabled": False,
                    "serviceEndpoint": {
                        "selectActiveIdentityEndpoint": {"supportedTokens": tokens}
                    },
                    "accountByline": {"simpleText": byline},
                }
            }
        )
    section = {"accountItemSectionRenderer": {"contents": items}}
    return {
        "contents": [{"accountSectionListRenderer": {"contents": [section]}}],
        "selectText": {"simpleText": "OK"},
    }


def account_menu_answer(*, name: str | None, email: str, handle: str) -> dict[str, Any]:
    """An ``account/account_menu`` answer: the active account's header, or a sign-in
    header when ``name`` is ``None``."""
    if name is None:
        header: dict[str, Any] = {"signInHeaderRenderer": {"title": {"simpleText": "Sign in"}}}
    else:
        header = {
            "activeAccountHeaderRenderer": {
                "accountName": {"simpleText": name},
                "email": {"simpleText": email},
                "channelHandle": {"simpleText": handle},
            }
        }
    return {
        "actions": [
            {
                "openPopupAction": {
                    "popup": {"multiPageMenuRenderer": {"header": header, "sections": []}},
                    "popupType": "DROPDOWN",
                }
            }
        ],
        "trackingParams": "CAAQ_h4iEwi-emulated",
    }


#: An answer's fields to merge into its responseContext (e.g. config's globalConfigGroup).
EXTRA_CONTEXT = "__responseContext"


def config_answer() -> dict[str, Any]:
    """The answer of ``/youtubei/v1/config``."""
    return {
        "configData": "CAMSEg0Z-emulated-config-data",
        EXTRA_CONTEXT: {
            "globalConfigGroup": {
                "rawColdConfigGroup": {"configData": "CAMSFRUY-emulated-cold-config"},
                "coldHashData": "CAMSEhUY-emulated-cold-hash",
                "hotHashData": "CAMSFBUY-emulated-hot-hash",
            }
        },
    }


def browse_answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """The answer of ``/youtubei/v1/browse``: one empty tab named after the browse id.

    :param body: the call's JSON body.
    """
    browse_id = body.get("browseId")
    title = browse_id if isinstance(browse_id, str) else "FEwhat_to_watch"
    return {
        "trackingParams": "CAAQhGciEwi-emulated",
        "contents": {
            "twoColumnBrowseResultsRenderer": {
                "tabs": [
                    {
                        "tabRenderer": {
                            "selected": True,
                            "title": f"Emulated {title}",
                            "content": {"richGridRenderer": {"contents": []}},
                        }
                    }
                ]
            }
        },
    }


def next_answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """The answer of ``/youtubei/v1/next``.

    :param body: the call's JSON body.
    """
    return {
        "trackingParams": "CAAQg2ciEwi-emulated",
        "currentVideoEndpoint": {"watchEndpoint": {"videoId": body.get("videoId", "")}},
        "contents": {"twoColumnWatchNextResults": {"results": {"results": {"contents": []}}}},
    }


def search_answer(body: Mapping[str, Any]) -> dict[str, Any]:
    """The answer of ``/youtubei/v1/search``: no results.

    :param body: the call's JSON body.
    """
    query = body.get("query")
    return {
        "estimatedResults": "1" if query else "0",
        "trackingParams": "CAAQvGciEwi-emulated",
        "contents": {
            "twoColumnSearchResultsRenderer": {
                "primaryContents": {
                    "sectionListRenderer": {
                        "contents": [],
                        "query": query if isinstance(query, str) else "",
                    }
                }
            }
        },
    }


def iframe_api_script(player_id: str) -> str:
    """``/iframe_api``: the loader names the player as YouTube's does, in a script URL
    with escaped ``/``.

    :param player_id: the player's id.
    """
    path = f"/s/player/{player_id}/www-widgetapi.vflset/www-widgetapi.js"
    url = ("https://www.youtube.com" + path).replace("/", "\\/")
    return (
        f"var scriptUrl = '{url}';"
        "try{var ttPolicy=window.trustedTypes.createPolicy('youtube-widget-api',"
        "{createScriptURL:function(x){return x}});"
        "scriptUrl=ttPolicy.createScriptURL(scriptUrl)}"
        "catch(e){}var YT;if(!window['YT'])YT={loading:0,loaded:0};"
    )


def player_script(signature_timestamp: int) -> str:
    """The player's ``base.js``, as far as clients read it: its ``signatureTimestamp``.

    :param signature_timestamp: the value the script carries.
    """
    return (
        "var _yt_player={};(function(g){var window=this;"
        "var Zy=function(a){a=a.split('');a.reverse();return a.join('')};"
        f"var Qw=function(){{return{{signatureTimestamp:{signature_timestamp},"
        "cpn:'emulated'}};"
        "})(_yt_player);"
    )
