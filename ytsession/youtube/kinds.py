"""The YouTube login kinds, registered with :mod:`ytsession.store.kinds`: ``oauth`` (Google's
device flow with the user's own client), ``youtube-tv`` (with the YouTube TV app's client)
and ``cookies`` (a logged-in browser's cookies).

They live above ``auth`` and ``innertube`` because asking YouTube which account is signed in
takes an InnerTube session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import Hint, ProfileError
from ..store.kinds import LoginKind, register
from ..store.settings import KIND_COOKIES, KIND_OAUTH, KIND_YOUTUBE_TV

if TYPE_CHECKING:
    from ..oauth.credentials import Credentials, OAuthCredentials
    from ..oauth.token import RefreshingToken
    from ..store.kinds import StoredProfile
    from ..store.settings import ProfileSettings
    from .cookies.jar import YouTubeCookies
    from .cookies.signer import CookieAuth

__all__ = ["COOKIES", "GOOGLE_OAUTH", "YOUTUBE_TV", "CookiesKind", "GoogleOAuthKind"]


def _youtube_account(signer: RefreshingToken | CookieAuth, server: str | None) -> str | None:
    """The account InnerTube names for ``signer``: ``account/accounts_list`` as the TV
    client for an OAuth token (as YouTube.js asks), ``account/account_menu`` as ``WEB``
    for cookies (see :func:`~ytsession.youtube.innertube.account.current_account`)."""
    from .innertube.account import current_account
    from .session import Session

    with Session.create(
        auth=signer, base_url=server, cache=False, generate_session_locally=True
    ) as session:
        account = current_account(session)
    return str(account) if account is not None else None


class GoogleOAuthKind(LoginKind):
    """Google's device flow with the user's own OAuth client."""

    name = KIND_OAUTH

    def credentials(self, settings: ProfileSettings) -> OAuthCredentials:
        from ..oauth.credentials import OAuthCredentials, OAuthEndpoints

        endpoints = OAuthEndpoints.from_dict(settings.endpoints) if settings.endpoints else None
        kwargs: dict[str, Any] = {"endpoints": endpoints}
        if settings.scope:
            kwargs["scope"] = settings.scope
        return OAuthCredentials(settings.client_id, settings.client_secret, **kwargs)

    def ask_account(
        self, profile: StoredProfile, settings: ProfileSettings, server: str | None
    ) -> str | None:
        return _youtube_account(self.refreshing_token(profile, settings), server)


class YouTubeTVKind(GoogleOAuthKind):
    """Google's device flow with the YouTube TV app's own client (read from its page)."""

    name = KIND_YOUTUBE_TV

    def cached_client(
        self, settings: ProfileSettings | None, *, tv_url: str
    ) -> OAuthCredentials | None:
        """:return: the TV client identity a previous login discovered on ``tv_url``, if
        ``settings`` are of this kind."""
        if settings is None or not self.describes(settings):
            return None
        if settings.extra.get("tv_url") != tv_url:
            return None
        return self.credentials(settings)


class CookiesKind(LoginKind):
    """A logged-in browser's cookies (SAPISIDHASH): no OAuth client and no token."""

    name = KIND_COOKIES
    has_token: ClassVar[bool] = False
    credential: ClassVar[str] = "cookies"

    def credentials(self, settings: ProfileSettings) -> Credentials:
        raise ProfileError(
            "this profile signs in with browser cookies: it has no OAuth client and no token "
            "(use Session.from_profile(), or CookieAuth(profile.load_cookies()))"
        )

    def signer(self, profile: StoredProfile, settings: ProfileSettings) -> CookieAuth:
        from .cookies.signer import CookieAuth

        return CookieAuth.from_profile(profile, settings)

    def access_token(self, profile: StoredProfile, settings: ProfileSettings) -> str:
        raise ProfileError(
            f"profile '{profile.name}' signs in with browser cookies: cookie profiles have no "
            "bearer token"
        ).with_hint(
            Hint(
                python=". Sign requests with the cookies instead: Session.from_profile() or "
                "CookieAuth.from_profile()",
                cli=". Use `ytsession call` (it signs with the cookies)",
            )
        )

    def server(self, settings: ProfileSettings) -> str | None:
        return super().server(settings) or "https://www.youtube.com"

    def ask_account(
        self, profile: StoredProfile, settings: ProfileSettings, server: str | None
    ) -> str | None:
        # the signer sends the cookies to the profile's server (an alias of YouTube)
        return _youtube_account(self.signer(profile, settings), server)

    def load_cookies(self, profile: StoredProfile) -> YouTubeCookies:
        from .cookies.jar import profile_cookies

        return profile_cookies(profile)

    def state(self, profile: StoredProfile, settings: ProfileSettings) -> str:
        fresh = self.load_cookies(profile).freshness()
        return "cookies logged in" if fresh.logged_in else "cookies logged out"

    def status_fields(self, profile: StoredProfile, settings: ProfileSettings) -> dict[str, Any]:
        info = _cookie_status(profile, settings)
        return {k: v for k, v in info.items() if k not in ("profile", "kind")}

    def logout(self, profile: StoredProfile, settings: ProfileSettings) -> str:
        return (
            "Its browser session stays signed in (cookies cannot be revoked from here): sign "
            "out in the browser to end it."
        )


def _cookie_status(profile: StoredProfile, settings: ProfileSettings) -> dict[str, Any]:
    """:return: what a cookie profile is made of: logged-in state, account index, cookie
    freshness (``*_at`` and ``soonest_expiry``: Unix time). Names and times only, never a
    value."""
    cookies = COOKIES.load_cookies(profile)
    fresh = cookies.freshness()
    info: dict[str, Any] = {
        "profile": profile.name,
        "kind": settings.kind,
        "store": profile.store.url,
        "cookie_file": profile.store.where(profile.name, "cookies"),
        "logged_in": fresh.logged_in,
        "account_index": settings.extra.get("account_index", 0),
    }
    if settings.extra.get("on_behalf_of_user"):
        info["on_behalf_of_user"] = settings.extra["on_behalf_of_user"]
    info["cookies"] = len(cookies)
    info["saved_at"] = fresh.saved_at
    info["soonest_expiry"] = fresh.soonest_expiry
    info["soonest_expiring"] = fresh.soonest_expiring
    if fresh.expired:
        info["expired"] = ", ".join(fresh.expired)
    return info


GOOGLE_OAUTH = register(GoogleOAuthKind())
YOUTUBE_TV = register(YouTubeTVKind())
COOKIES = register(CookiesKind())
