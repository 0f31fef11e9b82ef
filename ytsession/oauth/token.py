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

if TYPE_CHECKING:
    import requests

    from .credentials import Credentials

from .. import _secrets
from .. import _validate as check
from ..errors import InvalidTokenAnswerError, TokenFileError, TokenWriteError
from . import rules, tokenfile
from .cache import FileTokenCache, TokenCache
from .models import BaseTokenDict, StoredTokenDict

log = logging.getLogger("ytsession.auth")

#: Reading ``access_token`` this many seconds (or fewer) before expiry refreshes it (for
#: tokens living 2 minutes or more; half their lifetime for shorter-lived ones).
REFRESH_MARGIN = rules.REFRESH_MARGIN
#: Where :meth:`OAuthToken.update` says an unusable answer came from.
_ANSWER = tokenfile.answer_source("the OAuth server")
_IN_MEMORY = check.Source(
    "the token in memory", "load or log in again", lambda m: TokenFileError(m, path="<memory>")
)
_SECRET_FIELDS = frozenset({"access_token", "_access_token", "refresh_token"})


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

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SECRET_FIELDS and isinstance(value, str):
            _secrets.register(value)  # scrubbed by value from every error message
        super().__setattr__(name, value)

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

    @staticmethod
    def is_oauth(headers: Mapping[str, Any]) -> bool:
        """:return: whether ``headers`` (a parsed auth file) is an OAuth token."""
        return all(key in headers for key in ("access_token", "refresh_token", "expires_at"))

    @property
    def refresh_margin(self) -> float:
        """Seconds before expiry at which the token counts as expiring:
        ``min(60, expires_in / 2)`` (60 when the lifetime is unknown)."""
        return rules.refresh_margin(self.expires_in)

    @property
    def is_expiring(self) -> bool:
        """Whether the access token expires within :attr:`refresh_margin` seconds."""
        return self.expires_at - self._now() <= rules.refresh_margin(self.expires_in)

    @property
    def expired(self) -> bool:
        """Whether the access token has expired already."""
        return self.expires_at <= self._now()

    def _now(self) -> float:  # the clock expires_at is in (a store's: see TokenCache.now)
        return time.time()

    def update(self, fresh: BaseTokenDict | Mapping[str, Any]) -> None:
        """Take a refresh answer in place, all or nothing.

        The whole answer is checked first; an unusable one raises and changes nothing. The
        expiry is computed from now, so pass answers as soon as they arrive. A
        ``refresh_token`` in the answer (rotation) replaces the old one.

        :raises InvalidTokenAnswerError: the answer is unusable (a field missing, of the
            wrong type, not finite, out of bounds, or unfit for an HTTP header).
        """
        self._adopt(self._next_state(fresh))

    def _next_state(self, fresh: BaseTokenDict | Mapping[str, Any]) -> StoredTokenDict:
        """Validate a token answer and compute the token it makes, changing nothing."""
        if not isinstance(fresh, Mapping):
            raise _ANSWER.fail(f"is a {type(fresh).__name__}, not an object")
        answer = tokenfile.parse_token_answer(fresh, _ANSWER)
        stamp = int(self._now())  # the clock expires_at is read in
        return {
            "scope": answer.get("scope") or self.scope,
            "token_type": answer.get("token_type") or self.token_type,
            "access_token": answer["access_token"],
            "refresh_token": answer.get("refresh_token") or self.refresh_token,
            "expires_at": stamp + answer["expires_in"],
            "expires_in": answer["expires_in"],
        }

    def _adopt(self, state: StoredTokenDict) -> None:
        """Take a validated token state in memory (the last step of an update)."""
        self._set_access_token(state["access_token"])
        self.refresh_token = state["refresh_token"]
        self.expires_at = state["expires_at"]
        self.expires_in = state["expires_in"]
        self.scope = state["scope"]
        self.token_type = state["token_type"]

    def as_auth(self, *, http: requests.Session | None = None) -> str:
        """:return: the ``Authorization`` header value, e.g. ``"Bearer ya29..."``.

        :param http: where a refresh of an expiring token goes (see
            :meth:`RefreshingToken.refresh`); a plain token never refreshes.
        :raises TokenFileError: the token holds characters an HTTP header cannot carry.
        """
        access = self._access_token_via(http)
        token_type = check.header_safe(self.token_type or "Bearer", "'token_type'", _IN_MEMORY)
        access_token = check.header_safe(access, "'access_token'", _IN_MEMORY)
        return f"{token_type} {access_token}"

    def _access_token_via(self, http: requests.Session | None) -> str:
        return self.access_token

    def store(self, path: str | Path) -> None:
        """Write the token file atomically (mode 0600, directory 0700).

        :raises TokenWriteError: the file could not be written; it is unchanged.
        """
        FileTokenCache(path).save(self.as_dict())

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
    :attr:`~OAuthToken.refresh_margin` seconds of expiry, and stores the result in its token
    file.

    Safe to share: many threads reading at expiry cause one refresh, and processes sharing
    one token file (overlapping cron jobs) take an inter-process lock, re-read the file, and
    adopt a token another process stored instead of refreshing again.

    Updates are transactional (:meth:`_commit_answer`): a refresh answer is validated, then
    written to the file, and only then adopted in memory. An unusable answer or a failed
    write changes neither. A rotated refresh token is never dropped: when the write fails
    it is kept aside and written on the next refresh (no second request to the server);
    when the rest of the answer is unusable, the new refresh token alone is stored.

    :param credentials: the client that refreshes the token.
    :param local_cache: the token file to keep in step with, if any (positional, as in
        ytmusicapi's ``RefreshingToken(credentials, _local_cache)``), or a
        :class:`~ytsession.oauth.cache.TokenCache` (a profile in a Redis store, say:
        :meth:`Profile.token_cache() <ytsession.store.profiles.Profile.token_cache>`).
        Unlike setting :attr:`local_cache` later, passing it here does not write it.
    """

    def __init__(
        self,
        credentials: Credentials,
        local_cache: str | Path | TokenCache | None = None,
        *,
        access_token: str,
        refresh_token: str,
        scope: str = "",
        token_type: str = "Bearer",
        expires_at: int = 0,
        expires_in: int = 0,
        _local_cache: str | Path | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self.credentials = credentials
        path = local_cache if local_cache is not None else _local_cache  # ytmusicapi's name
        self._cache = _token_cache(path)
        self._unsaved: StoredTokenDict | None = None
        self._listeners: list[Callable[[RefreshingToken], object]] = []
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
        return self._access_token_via(None)

    @access_token.setter
    def access_token(self, value: str) -> None:
        self._access_token = value

    def _access_token_via(self, http: requests.Session | None) -> str:
        if self.is_expiring or self._unsaved is not None:
            self.refresh(http=http)
        return self._access_token

    def _raw_access_token(self) -> str:
        return self._access_token

    def _now(self) -> float:  # where it is kept: a shared store's clock (Redis TIME)
        return self._cache.now() if self._cache is not None else time.time()

    def _set_access_token(self, value: str) -> None:
        self._access_token = value

    def on_refresh(
        self, listener: Callable[[RefreshingToken], object]
    ) -> Callable[[RefreshingToken], object]:
        """Call ``listener`` with this token after each refresh: one this object made, or
        a newer token another process stored and this one adopted.

        :return: ``listener``, so this works as a decorator.
        """
        with self._lock:
            self._listeners.append(listener)
        return listener

    def off_refresh(self, listener: Callable[[RefreshingToken], object]) -> None:
        """Stop calling ``listener`` (one not added is fine)."""
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    @classmethod
    def from_file(cls, path: str | Path, credentials: Credentials) -> RefreshingToken:
        """Load a token file and keep it in step with this token.

        :raises FileNotFoundError: there is no such file.
        :raises TokenFileError: the file is corrupt or of the wrong shape.
        """
        return cls(credentials, path, **tokenfile.load_token(Path(path)))

    @property
    def local_cache(self) -> Path | None:
        """The token file this token is kept in (``None`` when it is kept elsewhere, see
        :attr:`cache`). Setting it writes the token there."""
        return self._cache.path if self._cache is not None else None

    @local_cache.setter
    def local_cache(self, path: str | Path | TokenCache | None) -> None:
        self._cache = _token_cache(path)
        self.store_token()

    @property
    def cache(self) -> TokenCache | None:
        """Where this token is kept (a token file, or a profile in a store), if anywhere."""
        return self._cache

    def store_token(self, path: str | Path | None = None) -> None:
        """Write the token to ``path``, or to where it is kept when ``path`` is ``None``.

        Does nothing when neither is set. Does not change :attr:`local_cache`.

        :raises TokenWriteError: the file could not be written; it is unchanged.
        :raises StoreError: the profile store failed; nothing was written.
        """
        with self._lock:
            if path is not None:
                FileTokenCache(path).save(self.as_dict())
            elif self._cache is not None:
                self._cache.save(self.as_dict())

    def refresh(self, *, force: bool = False, http: requests.Session | None = None) -> None:
        """Refresh the access token now if it is expiring (or always, with ``force``), and
        tell the :meth:`on_refresh` listeners when the token changed.

        :param http: the unsigned session to send the refresh through (a session's proxies,
            deadline and user agent); the credentials' own when ``None``. It is used for
            this refresh only, never kept: two sessions sharing this token each refresh
            through their own.
        :raises LoginRequiredError: the refresh token was revoked or has expired; the token
            file is left as it was.
        :raises TokenFileError: the token file became corrupt; it is left as it was.
        :raises InvalidTokenAnswerError: the server's answer was unusable; nothing changed
            but a rotated refresh token, which was stored.
        :raises TokenWriteError: the new token could not be written; file and memory are
            unchanged, and the new token is written by the next call (see the error).
        """
        with self._lock:
            before = (self._access_token, self.refresh_token)
            self._refresh(force, http)
            changed = (self._access_token, self.refresh_token) != before
            listeners = list(self._listeners) if changed else []
        for listener in listeners:
            listener(self)

    def _refresh(self, force: bool, http: requests.Session | None) -> None:
        if self._unsaved is not None:
            self._commit(self._unsaved)  # the last refresh, not yet written: no request
            force = False
        if not force and not self.is_expiring:
            return  # another thread refreshed while this one waited
        cache = self._cache
        if cache is None:
            self._refresh_from_server(http)
            return
        seen = self.as_dict()
        with cache.locked():
            self._adopt_stored(cache)
            if self.as_dict() != seen and not self.is_expiring:
                log.debug("adopted the token another process stored in %s", cache.describe())
                return
            if not force and not self.is_expiring:
                return
            cache.refuse_if_unsaved()  # never replay a maybe-dead refresh token
            self._refresh_from_server(http)
            log.debug("refreshed the access token and stored it in %s", cache.describe())

    def _adopt_stored(self, cache: TokenCache) -> None:
        """Take the stored token when another process wrote a different one."""
        stored = cache.load()
        if stored is None:
            return
        if stored["refresh_token"] != self.refresh_token or stored["expires_at"] > self.expires_at:
            stored["scope"] = stored["scope"] or self.scope
            stored["token_type"] = stored["token_type"] or self.token_type
            self._adopt(stored)

    def _refresh_from_server(self, http: requests.Session | None) -> None:
        # Credentials written for ytmusicapi take no http=: they are never given one.
        via: dict[str, Any] = {} if http is None else {"http": http}
        try:
            fresh = self.credentials.refresh_token(self.refresh_token, **via)
        except InvalidTokenAnswerError as exc:
            self._keep_rotated(exc)
            raise
        self._commit_answer(fresh)

    # -- the transaction: validate -> write -> adopt ---------------------------------------

    def _commit_answer(self, fresh: BaseTokenDict | Mapping[str, Any]) -> None:
        """Take a token-endpoint answer: validate it, write it, then adopt it.

        This is the one place a new token enters the object.

        :raises InvalidTokenAnswerError: the answer is unusable; a rotated refresh token
            in it was still stored.
        :raises TokenWriteError: the write failed; see :meth:`_commit`.
        """
        try:
            state = self._next_state(fresh)
        except InvalidTokenAnswerError as exc:
            self._keep_rotated(exc)
            raise
        self._commit(state)

    def _keep_rotated(self, exc: InvalidTokenAnswerError) -> None:
        """An unusable answer that still rotated the refresh token: store the new refresh
        token through the one write step, and change nothing else (the access token and its
        expiry stay), so the next refresh spends the new refresh token."""
        rotated = exc.rotated_refresh_token
        if not rotated or rotated == self.refresh_token:
            return
        log.warning("the token answer was unusable; keeping its new refresh token")
        state = self.as_dict()
        state["refresh_token"] = rotated
        self._commit(state)

    def _commit(self, state: StoredTokenDict) -> None:
        """Write a validated token state to the token file, then adopt it in memory.

        :raises TokenWriteError: the write failed: the file and the token in memory are
            unchanged; the state is kept aside and written by the next :meth:`refresh`.
        :raises StoreLockLostError: a shared store refused the write because another
            process stored a newer token (this one is dropped; the next read adopts that).
        :raises StoreError: the profile store failed: as for a failed file write, the
            state is kept aside and written by the next :meth:`refresh`.
        """
        from ..errors import StoreError, StoreLockLostError

        cache = self._cache
        if cache is not None:
            try:
                cache.save(state)  # the one write step, whatever the store
            except TokenWriteError as exc:
                self._unsaved = state
                marked = self._mark_if_rotated(cache, state)
                raise self._write_failed(exc, state, marked=marked) from None
            except StoreLockLostError:
                raise
            except StoreError:
                self._unsaved = state
                self._mark_if_rotated(cache, state)
                raise
        self._unsaved = None
        self._adopt(state)

    def _mark_if_rotated(self, cache: TokenCache, state: StoredTokenDict) -> bool:
        """A rotated refresh token that could not be stored: mark the stored one as maybe
        revoked, so other processes do not spend it (see :meth:`TokenCache.refuse_if_unsaved`).

        :return: whether the mark was made.
        """
        return state["refresh_token"] != self.refresh_token and cache.mark_unsaved()

    def _write_failed(
        self, exc: TokenWriteError, state: StoredTokenDict, *, marked: bool = False
    ) -> TokenWriteError:
        rotated = state["refresh_token"] != self.refresh_token
        text = str(exc)
        if rotated:
            text += (
                ". The server rotated the refresh token: the one in the file may be revoked "
                "already, and the new one is only in this process. It is written on the next "
                "refresh of this token; or save it elsewhere with `exc.token.store(path)`. "
                + (
                    "Until then other processes refuse to spend the file's refresh token "
                    f"(marked by {self._unsaved_mark()}) and must wait or log in again"
                    if marked
                    else "Until then other processes using the file may be logged out"
                )
            )
        else:
            text += "; the refresh token in the file is still valid"
        return TokenWriteError(text, path=exc.path, token=OAuthToken(**state), rotated=rotated)

    def _unsaved_mark(self) -> str:
        return self._cache.unsaved_mark() if self._cache is not None else "<none>"

    @classmethod
    def prompt_for_token(
        cls,
        credentials: Credentials,
        open_browser: bool = False,
        to_file: str | Path | TokenCache | None = None,
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
        to_file: str | Path | TokenCache | None = None,
    ) -> RefreshingToken:
        """Build the token from a login answer (a device-code exchange, a password grant).

        :param credentials: the client that logged in and will refresh the token.
        :param answer: the token answer; ``expires_at`` is used when present, else the
            expiry is counted from now with ``expires_in``.
        :param to_file: write the token there and keep it in step.
        :raises InvalidTokenAnswerError: the answer is unusable.
        :raises TokenWriteError: ``to_file`` could not be written; the error carries the
            new token (``exc.token``) so that it can be saved elsewhere.
        """
        fresh = tokenfile.parse_token_answer(answer, _ANSWER)
        if "refresh_token" not in fresh:
            raise _ANSWER.fail("has no 'refresh_token'")
        expires_at = check.number(
            answer,
            "expires_at",
            _ANSWER,
            low=0,
            high=check.MAX_EPOCH,
            default=int(time.time()) + fresh["expires_in"],
        )
        state: StoredTokenDict = {
            "scope": fresh.get("scope", ""),
            "token_type": fresh.get("token_type", "Bearer"),
            "access_token": fresh["access_token"],
            "refresh_token": fresh["refresh_token"],
            "expires_at": expires_at,
            "expires_in": fresh["expires_in"],
        }
        token = cls(credentials, **state)
        if to_file is not None:
            try:
                token.local_cache = Path(to_file) if isinstance(to_file, str) else to_file
            except TokenWriteError as exc:
                raise TokenWriteError(
                    f"{exc}. The new login is only in memory: save it elsewhere with "
                    "`exc.token.store(path)`, or log in again once the file can be written",
                    path=exc.path,
                    token=OAuthToken(**state),
                ) from None
        return token

    def __repr__(self) -> str:
        base = super().__repr__()[:-1]
        where = self._cache.describe() if self._cache is not None else None
        return f"{base}, local_cache={where}, credentials={self.credentials!r})"

    __str__ = __repr__


def _token_cache(where: str | Path | TokenCache | None) -> TokenCache | None:
    if where is None or isinstance(where, TokenCache):
        return where
    return FileTokenCache(where)
