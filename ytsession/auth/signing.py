"""Request signing with an OAuth token, as a :class:`requests.auth.AuthBase`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from requests.auth import AuthBase

if TYPE_CHECKING:
    from requests import PreparedRequest

    from .token import OAuthToken


class BearerAuth(AuthBase):
    """Signs requests with ``Authorization: Bearer <access token>``.

    Works on any :class:`requests.Session` (``session.auth = BearerAuth(token)``). With a
    :class:`~ytsession.auth.token.RefreshingToken`, each request reads ``access_token``,
    so an expiring token is refreshed before it is sent.

    :param token: the token to sign with.
    """

    def __init__(self, token: OAuthToken) -> None:
        self.token = token

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        r.headers["Authorization"] = self.token.as_auth()
        return r

    def __repr__(self) -> str:
        return f"BearerAuth({self.token!r})"
