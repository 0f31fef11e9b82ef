"""A thin signed session for PeerTube's REST API: :class:`PeerTubeSession`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

import requests

from .. import _http
from .. import _validate as check
from ..auth.signing import BearerAuth
from ..auth.token import OAuthToken, RefreshingToken
from ..errors import ProfileError
from .credentials import PeerTubeCredentials, normalize_instance_url
from .errors import CONTEXT_API, PeerTubeError, error_from_answer
from .models import ME_PATH

if TYPE_CHECKING:
    from ..auth.store import ProfileStore

log = logging.getLogger("ytsession.peertube")

#: Statuses that make the session refresh its token and send the request once more.
REFRESH_STATUSES = frozenset({401})


class PeerTubeSession:
    """Signs REST calls to one PeerTube instance with a token, refreshing it when needed.

    Each request is signed with ``Authorization: Bearer <access token>``; a
    :class:`~ytsession.auth.token.RefreshingToken` refreshes itself shortly before expiry,
    and a 401 answer makes the session refresh the token and send the request once more.
    Transport policy (timeouts, retries of connection failures, 429 with ``Retry-After``,
    5xx) is ytsession's, the same as the InnerTube session's.

    ::

        token = RefreshingToken.from_file("peertube.json", PeerTubeCredentials(url, cid, cs))
        with PeerTubeSession(token) as pt:
            me = pt.get("/api/v1/users/me")

    :param token: the token to sign with; its credentials name the instance when they are
        :class:`PeerTubeCredentials`.
    :param instance_url: the instance; needed only when the token's credentials do not say.
    :param session: a :class:`requests.Session` to send with (used as is unless ``retry``
        is given; :meth:`close` leaves it open); a new one with ytsession's retry policy by
        default.
    :param proxies: proxies to set on the session.
    :param timeout: seconds (or connect, read) for each request.
    :param retry: the retry policy, mounted on the session.
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
        retry: _http.RetryPolicy | None = None,
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
        if session is None:
            self._session, self._owns_session = _http.new_session(retry), True
        else:
            self._session, self._owns_session = session, False
            if retry is not None:
                _http.mount_retries(session, retry)
        if proxies:
            self._session.proxies.update(proxies)
        self._auth = BearerAuth(token)

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

        :param name: the profile name (``$YTSESSION_PROFILE`` or ``default`` if ``None``).
        :param home: the directory holding the profiles (the file store).
        :param store: the profile store: a store, a directory or a URL such as
            ``redis://host:6379/0`` (default ``$YTSESSION_STORE``, else the file store).
        :param kwargs: passed to the constructor.
        :raises NotLoggedInError: the profile has no login.
        :raises ProfileError: the profile is not a PeerTube profile.
        """
        from ..auth.profiles import Profile
        from .kind import PEERTUBE

        profile = Profile.named(name, home=home, store=store)
        settings = profile.load_settings()
        kind = profile.kind(settings)
        if kind.service != PEERTUBE.service:
            raise ProfileError(
                f"profile '{profile.name}' is a {settings.kind} profile, not a PeerTube one; "
                "log in with `ytsession login --peertube URL --username NAME`"
            )
        return cls(kind.refreshing_token(profile, settings), **kwargs)

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
        :return: the answer, 2xx or 3xx.
        :raises PeerTubeError: the instance answered an error (with its ``code`` and
            ``detail``); :class:`PeerTubeLoginRequiredError` when the session is over.
        :raises NetworkError: the instance could not be reached or kept failing.
        """
        url = self._url(path)
        kwargs: dict[str, Any] = {
            "params": params,
            "json": json,
            "data": data,
            "files": files,
            "headers": {"Accept": "application/json", **(headers or {})},
            "auth": self._auth,
            "timeout": timeout or self.timeout,
        }
        marks = _file_positions(data, files)
        response = _http.send(self._session, method, url, **kwargs)
        if response.status_code in REFRESH_STATUSES and isinstance(self.token, RefreshingToken):
            if marks is None:
                log.debug("not repeating a streamed request after HTTP 401")
            else:
                log.debug("HTTP 401 from %s: refreshing the token once", _http.host_of(url))
                self.token.refresh(force=True)
                _rewind(marks)
                response = _http.send(self._session, method, url, **kwargs)
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
            raise PeerTubeError(f"{_http.host_of(self.instance_url)} answered users/me oddly")
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
            if _http.host_of(path) != _http.host_of(self.instance_url):
                raise PeerTubeError(
                    f"{_http.host_of(path)} is not this session's instance "
                    f"({_http.host_of(self.instance_url)}); the token is not sent elsewhere"
                )
            return path
        return self.instance_url + "/" + path.lstrip("/")

    def _error(self, response: requests.Response, secrets: tuple[str, ...]) -> PeerTubeError:
        data = check.maybe_json(response.content, _answer_source(response))
        return error_from_answer(
            response.status_code,
            data,
            context=CONTEXT_API,
            where=_http.host_of(self.instance_url),
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
        f"the answer of {_http.host_of(response.url)} (HTTP {response.status_code})",
        "use PeerTubeSession.request() for raw answers",
        lambda m: PeerTubeError(m, status=response.status_code),
    )


def _decoded(response: requests.Response) -> Any:
    if not response.content:
        return None
    return check.loads(response.content, _answer_source(response), max_depth=check.MAX_ANSWER_DEPTH)


def _file_positions(data: Any, files: Mapping[str, Any] | None) -> list[tuple[IO[Any], int]] | None:
    """:return: the seekable file objects in the body with their positions, or ``None`` when
    the body cannot be sent twice (a stream that cannot seek)."""
    objects: list[Any] = []
    if data is not None and hasattr(data, "read"):
        objects.append(data)
    elif data is not None and not isinstance(data, (bytes, str, Mapping, list, tuple)):
        return None  # a generator or other iterator: consumed by the first send
    for value in (files or {}).values():
        item = value[1] if isinstance(value, (tuple, list)) and len(value) > 1 else value
        if hasattr(item, "read"):
            objects.append(item)
    marks: list[tuple[IO[Any], int]] = []
    for obj in objects:
        try:
            marks.append((obj, obj.tell()))
        except (AttributeError, OSError, ValueError):
            return None
    return marks


def _rewind(marks: list[tuple[IO[Any], int]]) -> None:
    for obj, position in marks:
        obj.seek(position)
