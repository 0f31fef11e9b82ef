"""The shapes the emulated InnerTube answers in, as pure builders, modelled on real answers
(``../shared/recordings/`` beside the checkout): visitor data, the JSPB ``sw.js_data``
body, and the two account answers (``account/accounts_list``, ``account/account_menu``).
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Mapping
from typing import Any

__all__ = [
    "JSPB_LISTED",
    "account_menu_answer",
    "accounts_list_answer",
    "jspb",
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
