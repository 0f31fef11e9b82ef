"""The signed-in account, as InnerTube names it.

Two endpoints name it, in two shapes:

- ``account/accounts_list``, the account switcher the TV client asks (what YouTube.js's
  ``Account.getInfo()`` posts, with ``callCircumstance: 2``): ``accountItem`` entries
  (``accountName``, ``accountByline``, ``isSelected``) under
  ``contents[].accountSectionListRenderer.contents[].accountItemSectionRenderer``;
- ``account/account_menu``, which the ``WEB`` client answers (cookie logins): one
  ``activeAccountHeaderRenderer`` (``accountName``, ``email``, ``channelHandle``).

:func:`read_account` reads either; :func:`current_account` asks the right one for a
session's client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .clients import ClientProfile

__all__ = [
    "ACCOUNTS_LIST",
    "ACCOUNT_MENU",
    "Account",
    "account_name",
    "account_request",
    "current_account",
    "read_account",
]

#: The account switcher the TV clients ask (YouTube.js's ``Account.getInfo()``).
ACCOUNTS_LIST = "account/accounts_list"
#: The account menu of the ``WEB`` client.
ACCOUNT_MENU = "account/account_menu"
#: The payload YouTube.js posts to ``accounts_list``.
_ACCOUNTS_LIST_PAYLOAD = {"callCircumstance": 2}


@dataclass(frozen=True)
class Account:
    """The signed-in account.

    :ivar name: the account's name, e.g. ``"Emulated User"``.
    :ivar byline: what the answer shows under the name: the e-mail address (or, from
        ``account_menu``, the channel handle when it has no e-mail); ``""`` when none.
    """

    name: str
    byline: str = ""

    def __str__(self) -> str:
        """``"name (byline)"``, or whichever of the two the answer had."""
        if self.name and self.byline:
            return f"{self.name} ({self.byline})"
        return self.name or self.byline


class _Caller(Protocol):
    """What :func:`current_account` needs of a session (a :class:`ytsession.Session`)."""

    @property
    def client(self) -> ClientProfile: ...

    def call(self, endpoint: str, payload: Mapping[str, Any] | None = None) -> dict[str, Any]: ...


def _text(value: Any) -> str:
    """The text of an InnerTube text object (``simpleText`` or ``runs``), or ``""``."""
    if not isinstance(value, Mapping):
        return ""
    simple = value.get("simpleText")
    if isinstance(simple, str) and simple:
        return simple
    runs = value.get("runs")
    if not isinstance(runs, list):
        return ""
    return "".join(
        run["text"] for run in runs if isinstance(run, Mapping) and isinstance(run.get("text"), str)
    )


def _children(node: Any, renderer: str) -> list[Any]:
    """``node[renderer]["contents"]`` (``[]`` when the answer has another shape)."""
    inner = node.get(renderer) if isinstance(node, Mapping) else None
    contents = inner.get("contents") if isinstance(inner, Mapping) else None
    return contents if isinstance(contents, list) else []


def _account_items(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every ``accountItem`` of an ``accounts_list`` answer, in order."""
    items: list[Mapping[str, Any]] = []
    contents = answer.get("contents")
    for section_list in contents if isinstance(contents, list) else []:
        for section in _children(section_list, "accountSectionListRenderer"):
            for entry in _children(section, "accountItemSectionRenderer"):
                item = entry.get("accountItem") if isinstance(entry, Mapping) else None
                if isinstance(item, Mapping):
                    items.append(item)
    return items


def _from_accounts_list(answer: Mapping[str, Any]) -> Account | None:
    items = _account_items(answer)
    selected = [item for item in items if item.get("isSelected") is True]
    # The selected account; a list of one that marks none is that one account.
    chosen = selected[0] if selected else (items[0] if len(items) == 1 else None)
    if chosen is None:
        return None
    account = Account(_text(chosen.get("accountName")), _text(chosen.get("accountByline")))
    return account if str(account) else None


def _from_account_menu(answer: Mapping[str, Any]) -> Account | None:
    try:
        popup = answer["actions"][0]["openPopupAction"]["popup"]["multiPageMenuRenderer"]
        header = popup["header"]["activeAccountHeaderRenderer"]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(header, Mapping):
        return None
    byline = _text(header.get("email")) or _text(header.get("channelHandle"))
    account = Account(_text(header.get("accountName")), byline)
    return account if str(account) else None


def read_account(answer: Any) -> Account | None:
    """Read the signed-in account from an ``account/accounts_list`` or
    ``account/account_menu`` answer (whichever shape it has).

    :param answer: the decoded answer.
    :return: the account (from ``accounts_list``, the selected one), or ``None`` when the
        answer shows no signed-in account.
    """
    if not isinstance(answer, Mapping):
        return None
    return _from_accounts_list(answer) or _from_account_menu(answer)


def account_name(answer: Any) -> str | None:
    """The signed-in account as one line, from either answer (see :func:`read_account`).

    :return: the name, with the e-mail (or handle) in parentheses when the answer has one
        (e.g. ``"Emulated User (emulated-user@example.com)"``), or ``None``.
    """
    account = read_account(answer)
    return str(account) if account is not None else None


def account_request(client: ClientProfile) -> tuple[str, dict[str, Any]]:
    """Which endpoint names the account for ``client``, and its payload.

    :return: ``accounts_list`` (with YouTube.js's payload) for the TV clients, whose
        Bearer-signed calls OAuth logins make; ``account_menu`` for the others (the
        ``WEB`` client of cookie logins).
    """
    if client.platform == "TV":
        return ACCOUNTS_LIST, dict(_ACCOUNTS_LIST_PAYLOAD)
    return ACCOUNT_MENU, {}


def current_account(session: _Caller) -> Account | None:
    """Ask InnerTube which account signs ``session``'s calls (one call, see
    :func:`account_request`).

    :param session: a :class:`ytsession.Session`.
    :return: the account, or ``None`` when the answer names none (not signed in).
    :raises InnerTubeError: InnerTube answered an error.
    :raises NetworkError: the server could not be reached.
    """
    endpoint, payload = account_request(session.client)
    return read_account(session.call(endpoint, payload))
