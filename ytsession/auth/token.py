"""OAuth tokens: the plain :class:`OAuthToken` and the self-refreshing :class:`RefreshingToken`.

Names and file format follow ytmusicapi's ``ytmusicapi.auth.oauth.token`` so that code and
``oauth.json`` files move between the two libraries. What differs: no secret in any repr,
atomic 0600 writes, rotated refresh tokens kept, and a refresh that is safe across threads
and processes sharing one token file.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import tokenfile
from .models import BaseTokenDict, StoredTokenDict

if TYPE_CHECKING:
    from .credentials import Credentials

log = logging.getLogger("ytsession.auth")

#: Reading ``access_token`` this many seconds (or fewer) before expiry refreshes it.
REFRESH_MARGIN = tokenfile.REFRESH_MARGIN


def _redacted(secret: str) -> str:
    return f"<hidden, {len(secret)} chars>" if secret else "<empty>"


@dataclass(kw_only=True, eq=False)
class OAuthToken:
    """An OAuth access token with its refresh token and expiry.

    The fields are those of ytmusicapi's ``oauth.json``. :meth:`as_dict` gives exactly
    those keys, so :meth:`store` writes a file ytmusicapi loads.
    """

    scope: str = ""
    token_type: str = "Bearer"
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    #: Expiry of the access token, in seconds since the epoch.
    expires_at: int = 0
    #: Lifetime the server gave the access token, in seconds.
    expires_in: int = 0

    @staticmethod
    def members() -> tuple[str, ...]:
        """:return: the keys of a token file."""
        return tokenfile.TOKEN_KEYS

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OAuthToken:
        """Build a token from a mapping; extra keys are ignored.

        :raises TokenFileError: a required key is missing or of the wrong type.
        """
        return cls(**tokenfile.parse_token(data))

    @classmethod
    def from_json(cls, file_path: str | Path) -> OAuthToken:
        """Load a token file (ytsession's or ytmusicapi's ``oauth.json``).

        :raises FileNotFoundError: there is no such file.
        :raises TokenFileError: the file is corrupt, truncated or of the wrong shape.
        """
        return cls(**tokenfile.load_token(Path(file_path)))

    def as_dict(self) -> StoredTokenDict:
        """:return: the token-file keys and values (this *does* contain the secrets)."""
        return {
            "scope": self.scope,
            "token_type": self.token_type,
            "access_token": self._raw_access_token(),
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "expires_in": self.expires_in,
        }

    def as_auth(self) -> str:
        """:return: the ``Authorization`` header value, e.g. ``"Bearer ya29..."``."""
        return f"{self.token_type or 'Bearer'} {self.access_token}"

    @staticmethod
    def is_oauth(headers: Mapping[str, Any]) -> bool:
        """:return: whether ``headers`` (a parsed auth file) is an OAuth token."""
        return all(key in headers for key in ("access_token", "refresh_token", "expires_at"))

    @property
    def is_expiring(self) -> bool:
        """Whether the access token expires within :data:`REFRESH_MARGIN` seconds."""
        return self.expires_at - time.time() <= REFRESH_MARGIN

    @property
    def expired(self) -> bool:
        """Whether the access token has expired already."""
        return self.expires_at <= time.time()

    def update(self, fresh: BaseTokenDict | Mapping[str, Any]) -> None:
        """Take a refresh answer in place.

        The expiry is computed from now, so pass answers as soon as they arrive. A
        ``refresh_token`` in the answer (rotation) replaces the old one.
        """
        self._set_access_token(str(fresh["access_token"]))
        expires_in = int(fresh.get("expires_in", 3600))
        self.expires_in = expires_in
        self.expires_at = int(time.time()) + expires_in
        if fresh.get("refresh_token"):
            self.refresh_token = str(fresh["refresh_token"])
        if fresh.get("scope"):
            self.scope = str(fresh["scope"])
        if fresh.get("token_type"):
            self.token_type = str(fresh["token_type"])

    def store(self, path: str | Path) -> None:
        """Write the token file atomically (mode 0600, directory 0700)."""
        tokenfile.atomic_write_json(Path(path), self.as_dict())

    def _raw_access_token(self) -> str:
        return self.access_token

    def _set_access_token(self, value: str) -> None:
        self.access_token = value

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(scope={self.scope!r}, token_type={self.token_type!r}, "
            f"access_token={_redacted(self._raw_access_token())}, "
            f"refresh_token={_redacted(self.refresh_token)}, expires_at={self.expires_at})"
        )

    __str__ = __repr__


class RefreshingToken(OAuthToken):
    """An :class:`OAuthToken` that refreshes itself when its ``access_token`` is read within
    :data:`REFRESH_MARGIN` seconds of expiry, and stores the result in its token file.

    Safe to share: many threads reading at expiry cause one refresh, and processes sharing
    one token file (overlapping cron jobs) take an inter-process lock, re-read the file, and
    adopt a token another process stored instead of refreshing again. A refresh answer is
    written to the file before the new access token is handed out, and a rotated refresh
    token is never dropped.

    :param credentials: the client that refreshes the token.
    :param local_cache: the token file to keep in step with, if any. Unlike setting
        :attr:`local_cache` later, passing it here does not write the file.
    """

    def __init__(
        self,
        credentials: Credentials,
        *,
        access_token: str,
        refresh_token: str,
        scope: str = "",
        token_type: str = "Bearer",
        expires_at: int = 0,
        expires_in: int = 0,
        local_cache: str | Path | None = None,
        _local_cache: str | Path | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self.credentials = credentials
        path = local_cache if local_cache is not None else _local_cache  # ytmusicapi's name
        self._local_cache: Path | None = Path(path) if path is not None else None
        super().__init__(
            scope=scope,
            token_type=token_type,
            access_token=access_token,
            refresh_token=refresh_token,
            expires_at=expires_at,
            expires_in=expires_in,
        )

    # The dataclass __init__ of the base assigns self.access_token; the property below
    # routes that to _access_token, and reads through the refresh check.
    @property
    def access_token(self) -> str:
        """The access token, refreshed first when it is within the refresh margin."""
        if self.is_expiring:
            self.refresh()
        return self._access_token

    @access_token.setter
    def access_token(self, value: str) -> None:
        self._access_token = value

    def _raw_access_token(self) -> str:
        return self._access_token

    def _set_access_token(self, value: str) -> None:
        self._access_token = value

    @classmethod
    def from_file(cls, path: str | Path, credentials: Credentials) -> RefreshingToken:
        """Load a token file and keep it in step with this token.

        :raises FileNotFoundError: there is no such file.
        :raises TokenFileError: the file is corrupt or of the wrong shape.
        """
        return cls(credentials, local_cache=path, **tokenfile.load_token(Path(path)))

    @property
    def local_cache(self) -> Path | None:
        """The token file this token is kept in. Setting it writes the token there."""
        return self._local_cache

    @local_cache.setter
    def local_cache(self, path: str | Path | None) -> None:
        self._local_cache = Path(path) if path is not None else None
        self.store_token()

    def store_token(self, path: str | Path | None = None) -> None:
        """Write the token to ``path``, or to :attr:`local_cache` when ``path`` is ``None``.

        Does nothing when neither is set. Does not change :attr:`local_cache`.
        """
        target = Path(path) if path is not None else self._local_cache
        if target is None:
            return
        with self._lock:
            tokenfile.atomic_write_json(target, self.as_dict())

    def refresh(self, *, force: bool = False) -> None:
        """Refresh the access token now if it is expiring (or always, with ``force``).

        :raises LoginRequiredError: the refresh token was revoked or has expired; the token
            file is left as it was.
        :raises TokenFileError: the token file became corrupt; it is left as it was.
        """
        with self._lock:
            if not force and not self.is_expiring:
                return  # another thread refreshed while this one waited
            path = self._local_cache
            if path is None:
                self._refresh_from_server()
                return
            seen = self.as_dict()
            with tokenfile.locked(path):
                self._adopt_stored(path)
                if self.as_dict() != seen and not self.is_expiring:
                    log.debug("adopted the token another process stored in %s", path)
                    return
                if not force and not self.is_expiring:
                    return
                self._refresh_from_server()
                tokenfile.atomic_write_json(path, self.as_dict())
                log.debug("refreshed the access token and stored it in %s", path)

    def _adopt_stored(self, path: Path) -> None:
        """Take the token in ``path`` when another process wrote a different one."""
        try:
            stored = tokenfile.load_token(path)
        except FileNotFoundError:
            return
        if stored["refresh_token"] != self.refresh_token or stored["expires_at"] > self.expires_at:
            self._set_access_token(stored["access_token"])
            self.refresh_token = stored["refresh_token"]
            self.expires_at = stored["expires_at"]
            self.expires_in = stored["expires_in"]
            self.scope = stored["scope"] or self.scope
            self.token_type = stored["token_type"] or self.token_type

    def _refresh_from_server(self) -> None:
        fresh = self.credentials.refresh_token(self.refresh_token)
        self.update(fresh)

    @classmethod
    def prompt_for_token(
        cls,
        credentials: Credentials,
        open_browser: bool = False,
        to_file: str | Path | None = None,
        *,
        out: TextIO | None = None,
        qr: bool | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> RefreshingToken:
        """Run the device flow for a person at a REPL or terminal.

        Shows the URL and code, a QR code of the URL with the code filled in (on a
        terminal), optionally opens the browser (and says so when none could be opened),
        polls by itself while counting down the time left, and says where the token went.
        Ctrl-C stops the wait (``KeyboardInterrupt``).

        :param credentials: the OAuth client to log in with.
        :param open_browser: open the verification page in the default browser.
        :param to_file: write the token there and keep it in step.
        :param out: where the instructions go (standard error by default).
        :param qr: draw the QR code; by default when ``out`` is a terminal.
        :raises AccessDeniedError: the user refused.
        :raises DeviceCodeExpiredError: the code expired before the user approved it.
        """
        from .._console import BROWSER_NO, BROWSER_OPEN, device_login

        stream = out if out is not None else sys.stderr
        raw = device_login(
            credentials,
            out=stream,
            qr=qr,
            browser=BROWSER_OPEN if open_browser else BROWSER_NO,
            sleep=sleep,
        )
        token = cls.from_login_answer(credentials, raw, to_file=to_file)
        if to_file is not None:
            print(f"Logged in; the token is saved to {to_file}", file=stream, flush=True)
        else:
            print(
                "Logged in; the token lives in this object only (pass to_file= to keep it)",
                file=stream,
                flush=True,
            )
        return token

    @classmethod
    def from_login_answer(
        cls,
        credentials: Credentials,
        answer: Mapping[str, Any],
        *,
        to_file: str | Path | None = None,
    ) -> RefreshingToken:
        """Build the token from a login answer (a device-code exchange, a password grant).

        :param credentials: the client that logged in and will refresh the token.
        :param answer: the token answer; ``expires_at`` is used when present, else the
            expiry is counted from now with ``expires_in``.
        :param to_file: write the token there and keep it in step.
        """
        token = cls(
            credentials,
            access_token=str(answer["access_token"]),
            refresh_token=str(answer["refresh_token"]),
            scope=str(answer.get("scope", "")),
            token_type=str(answer.get("token_type", "Bearer")),
        )
        if answer.get("expires_at"):
            token.expires_at = int(answer["expires_at"])
            token.expires_in = int(answer.get("expires_in", 0))
        else:
            token.update(answer)
        if to_file is not None:
            token.local_cache = Path(to_file)
        return token

    def __repr__(self) -> str:
        base = super().__repr__()[:-1]
        return f"{base}, local_cache={self._local_cache}, credentials={self.credentials!r})"

    __str__ = __repr__
