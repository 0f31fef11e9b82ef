"""The signed-in account, as InnerTube's ``account/account_menu`` names it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["account_name"]


def _text(value: Any) -> str | None:
    """The text of an InnerTube text object (``simpleText`` or ``runs``)."""
    if not isinstance(value, Mapping):
        return None
    simple = value.get("simpleText")
    if isinstance(simple, str) and simple:
        return simple
    runs = value.get("runs")
    if isinstance(runs, list):
        joined = "".join(
            str(run.get("text")) for run in runs if isinstance(run, Mapping) and run.get("text")
        )
        return joined or None
    return None


def account_name(menu: Any) -> str | None:
    """Read the signed-in account's name from an ``account/account_menu`` answer.

    :param menu: the decoded answer.
    :return: the name, with the e-mail or handle in parentheses when the answer has one
        (e.g. ``"Emulated User (emulated-user@example.com)"``), or ``None`` when the
        answer shows no signed-in account.
    """
    try:
        actions = menu["actions"]
        popup = actions[0]["openPopupAction"]["popup"]["multiPageMenuRenderer"]
        header = popup["header"]["activeAccountHeaderRenderer"]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(header, Mapping):
        return None
    name = _text(header.get("accountName"))
    detail = _text(header.get("email")) or _text(header.get("channelHandle"))
    if name and detail:
        return f"{name} ({detail})"
    return name or detail
