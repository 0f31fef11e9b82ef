"""A thin signed session for PeerTube's REST API: :class:`PeerTubeSession`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import requests

from .. import _validate as check
from .._hints import PEERTUBE_LOG_IN
from ..errors import ProfileError
from ..oauth.bearer import BearerAuth
from ..oauth.token import OAuthToken
from ..transport import RetryPolicy, Transport, host_of
from ..transport.signing import AuthorizedSession
from .credentials import PeerTubeCredentials, normalize_instance_url
from .errors import (
    CONTEXT_API,
    PeerTubeError,
    error_from_answer,
    rate_limits_as_peertube_errors,
)
from .models import ME_PATH, SERVICE

if TYPE_CHECKING:
    from ..store import ProfileStore

log = logging.getLogger("ytsession.peertube")


class PeerTubeSession:
    """Signs REST calls to one PeerTube instance with a token, refreshing it when needed.

    Each request goes through an :class:`~ytsession.AuthorizedSession` (:attr:`authorized`):
    signed with ``Authorization: Bearer <access token>``; a
    :class:`~ytsession.oauth.token.RefreshingToken` refreshes itself shortly before expiry,
    and a 401 answer makes it refresh the token and send the request once more. With
    transport options, the refreshes go through this session's transport (passed to each
    refresh, never stored in the token's credentials). Transport
    policy (deadline, timeouts, replay-safe retries, 429 with ``Retry-After``, proxies) is
    the :class:`~ytsession.Transport`'s, the same as the InnerTube session's; requests
    other than ``GET``/``HEAD``/``OPTIONS`` are not re-sent once they may have arrived.

    ::

        token = RefreshingToken.from_file("peertube.json", PeerTubeCredentials(url, cid, cs))
        with PeerTubeSession(token) as pt:
            me = pt.get("/api/v1/users/me")

    :param token: the token to sign with; its credentials name the instance when they are
        :class:`PeerTubeCredentials`.
    :param instance_url: the instance; needed only when the token's credentials do not say.
    :param session: a :class:`requests.Session` to send through (ytsession's transport is
        adopted on it; :meth:`close` leaves it open); a new one by default.
    :param proxies: proxies for every request, token refreshes included.
    :param timeout: seconds (or connect, read) for each request.
    :param retry: the retry policy.
    :param deadline: seconds one request may take in all (retries, refresh and body).
    :param transport: the whole transport policy instead of ``proxies``, ``timeout``,
        ``retry`` and ``deadline``.
    :raises ProfileError: no instance URL is known.
    """

    def __init__(
        self,
        token: OAuthToken,
        instance_url: str | None = None,
        *,
        session: requests.Session | None = None,
        proxies: dict[str, str] | None = None,
        timeout: float | tuple[float, float] | None = None,
        retry: RetryPolicy | None = None,
        deadline: float | None = None,
        transport: Transport | None = None,
    ) -> None:
        if instance_url is None:
            credentials = getattr(token, "credentials", None)
            if isinstance(credentials, PeerTubeCredentials):
                instance_url = credentials.instance_url
        if instance_url is None:
            raise ProfileError(
                "PeerTubeSession needs the instance URL: pass instance_url, or a token "
                "whose credentials are PeerTubeCredentials"
            )
        self.instance_url = normalize_instance_url(instance_url)
        self.token = token
        self.timeout = timeout
        explicit = transport is not None or any(
            option is not None for option in (proxies, timeout, retry, deadline)
        )
        if transport is None:
            transport = Transport.create(
                proxies=proxies, timeout=timeout, retry=retry, deadline=deadline
            )
        self.transport = transport
        self._owns_session = session is None
        self._session = transport.new_session() if session is None else transport.adopt(session)
        self._auth = BearerAuth(token)
        #: The signed session every request goes through; use it for requests of your own
        #: (``pt.authorized.get(url)`` is signed and refreshed like :meth:`request`).
        self.authorized = AuthorizedSession(
            self._auth,
            transport=transport,
            base=self._session,
            refresh_http=self._session if explicit else None,
        )

    @classmethod
    def from_profile(
        cls,
        name: str | None = None,
        *,
        home: str | Path | None = None,
        store: ProfileStore | str | Path | None = None,
        **kwargs: Any,
    ) -> PeerTubeSession:
        """Open the session of a profile stored by ``ytsession login --peertube``.

        :param name: the profile name (when ``None``: ``$YTSESSION_PROFILE``, else the one
            ``ytsession profiles use`` chose, else ``default``).
        :param home: the directory holding the profiles (the file store).
        :param store: the profile store: a store, a directory or a URL such as
            ``redis://host:6379/0`` (default ``$YTSESSION_STORE``, else the file store).
        :param kwargs: passed to the constructor. Every request goes to the instance the
            profile was logged in on: ``instance_url`` may name it, and no other;
            ``$YTSESSION_SERVER`` is ignored here, with a warning when it names another.
        :raises NotLoggedInError: the profile has no login.
        :raises ProfileError: the profile is not a PeerTube profile.
        :raises ServerMismatchError: ``instance_url`` names another instance.
        """
        from ..store.profiles import Profile
        from ..store.servers import server_for

        profile = Profile.named(name, home=home, store=store)
        settings = profile.load_settings()
        kind = profile.kind(settings)
        if kind.service != SERVICE:
            raise ProfileError(
                f"profile '{profile.name}' is a {settings.kind} profile, not a PeerTube one"
            ).with_hint(PEERTUBE_LOG_IN)
        given = kwargs.pop("instance_url", None)
        given = normalize_instance_url(given) if given else None
        server_for(settings, profile=profile.name, given=given, what="instance_url")
        return cls(kind.refreshing_token(profile, settings), **kwargs)  # its own instance

    # -- requests ------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Any = None,
        files: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | tuple[float, float] | None = None,
        deadline: float | None = None,
    ) -> requests.Response:
        """Send one signed request; on a 401, refresh the token and send it once more.

        :param method: the HTTP method.
        :param path: a path on the instance (``/api/v1/users/me``), or a full URL on it.
        :param params: query parameters.
        :param json: a JSON body.
        :param data: a form body (a mapping), or raw bytes.
        :param files: multipart files, as for :mod:`requests`; file objects must be
            seekable for the request to be sent again after a 401.
        :param headers: extra headers.
        :param timeout: seconds for this request; the session's by default.
        :param deadline: seconds for this request in all; the transport's by default.
        :return: the answer, 2xx or 3xx.
        :raises PeerTubeError: the instance answered an error (with its ``code`` and
            ``detail``); :class:`PeerTubeLoginRequiredError` when the session is over.
        :raises NetworkError: the instance could not be reached or kept failing
            (:class:`~ytsession.errors.DeadlineExceededError` when the deadline passed,
            :class:`PeerTubeRateLimitError`, a :class:`~ytsession.RetryLaterError`, when it
            asked to wait too long).
        """
        with rate_limits_as_peertube_errors():
            response = self.authorized.request(
                method,
                self._url(path),
                params=params,
                json=json,
                data=data,
                files=files,
                headers={"Accept": "application/json", **(headers or {})},
                timeout=timeout or self.timeout,
                deadline=deadline,
            )
        if response.status_code >= 400:
            raise self._error(response, (_bearer_token(response.request),))
        return response

    def get(self, path: str, **kwargs: Any) -> Any:
        """``GET`` ``path``; :return: the decoded JSON answer (``None`` when empty).

        :param kwargs: as for :meth:`request`.
        """
        return _decoded(self.request("GET", path, **kwargs))

    def post(self, path: str, **kwargs: Any) -> Any:
        """``POST`` to ``path``; :return: the decoded JSON answer (``None`` when empty)."""
        return _decoded(self.request("POST", path, **kwargs))

    def put(self, path: str, **kwargs: Any) -> Any:
        """``PUT`` to ``path``; :return: the decoded JSON answer (``None`` when empty)."""
        return _decoded(self.request("PUT", path, **kwargs))

    def patch(self, path: str, **kwargs: Any) -> Any:
        """``PATCH`` ``path``; :return: the decoded JSON answer (``None`` when empty)."""
        return _decoded(self.request("PATCH", path, **kwargs))

    def delete(self, path: str, **kwargs: Any) -> Any:
        """``DELETE`` ``path``; :return: the decoded JSON answer (``None`` when empty)."""
        return _decoded(self.request("DELETE", path, **kwargs))

    def me(self) -> dict[str, Any]:
        """:return: the logged-in user (``GET /api/v1/users/me``)."""
        user = self.get(ME_PATH)
        if not isinstance(user, dict):
            raise PeerTubeError(f"{host_of(self.instance_url)} answered users/me oddly")
        return user

    # -- lifecycle -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the HTTP connections of the session made here (not of one passed in)."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> PeerTubeSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PeerTubeSession(instance_url={self.instance_url!r}, token={self.token!r})"

    # -- plumbing ----------------------------------------------------------------------

    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            if host_of(path) != host_of(self.instance_url):
                raise PeerTubeError(
                    f"{host_of(path)} is not this session's instance "
                    f"({host_of(self.instance_url)}); the token is not sent elsewhere"
                )
            return path
        return self.instance_url + "/" + path.lstrip("/")

    def _error(self, response: requests.Response, secrets: tuple[str, ...]) -> PeerTubeError:
        data = check.maybe_json(response.content, _answer_source(response))
        return error_from_answer(
            response.status_code,
            data,
            context=CONTEXT_API,
            where=host_of(self.instance_url),
            headers=response.headers,
            secrets=secrets,
        )


def _bearer_token(request: requests.PreparedRequest | None) -> str:
    """:return: the token a request was signed with (``""`` when none), to scrub it from
    error messages."""
    value = request.headers.get("Authorization") if request is not None else None
    return value.partition(" ")[2] if value else ""


def _answer_source(response: requests.Response) -> check.Source:
    return check.Source(
        f"the answer of {host_of(response.url)} (HTTP {response.status_code})",
        "use PeerTubeSession.request() for raw answers",
        lambda m: PeerTubeError(m, status=response.status_code),
    )


def _decoded(response: requests.Response) -> Any:
    if not response.content:
        return None
    return check.loads(response.content, _answer_source(response), max_depth=check.MAX_ANSWER_DEPTH)
