"""The Redis store: every machine of a fleet shares its profiles through one Redis database.

Everything of profile ``NAME`` lives under the key prefix ``<prefix>profile:NAME:``
(``<prefix>`` is ``ytsession:`` unless the URL says ``?prefix=...``):

- ``...:data``: one hash whose fields are the profile's items (``settings``, ``token``,
  ``cookies``, ``session-cache``, ``po-tokens``). A write sets its fields in one command
  (inside a Lua script when it is fenced), so a profile is never half written;
- ``...:unsaved``: a hash whose fields are the items carrying the "unsaved" mark (a
  process got a rotated refresh token it could not store); a write of an item removes its
  mark in the same script;
- ``...:lock``: the lock, a string ``<fence>:<random>@<host>:<pid>`` set with ``NX`` and a lease
  (``PX``); its holder renews the lease while it works, so a holder that is killed loses
  the lock when the lease runs out, and the next holder re-reads what is stored;
- ``...:fence``: a counter; every acquisition takes the next number.

A write made under the lock is checked inside Redis (one Lua script): it goes through only
when the lock is still its holder's, or, when nobody holds the lock any more, the stored
token (or, for a cookie write-back, the stored cookies) is still what the holder read
(nobody refreshed or wrote back meanwhile). So a refresh answer,
and its rotated refresh token, is stored unless another process has refreshed since; a
stale holder never overwrites a newer token.

``redis`` (redis-py) is imported when a store is opened: ``pip install ytsession[redis]``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, TypeVar
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from .. import _files, _secrets
from ..errors import (
    LockTimeoutError,
    ProfileError,
    StoreAuthError,
    StoreDataError,
    StoreError,
    StoreLockLostError,
    StoreUnreachableError,
)
from ._base import (
    DEFAULT_LEASE,
    ITEMS,
    SETTINGS,
    TOKEN,
    LastRefresh,
    LockState,
    ProfileStore,
    StoreLock,
)
from ._paths import checked_name

if TYPE_CHECKING:
    import redis

log = logging.getLogger("ytsession.store")

_T = TypeVar("_T")

#: The key prefix unless the URL names one.
DEFAULT_PREFIX = "ytsession:"
#: Seconds one Redis command may take (connecting included).
SOCKET_TIMEOUT = 5.0
#: Seconds between two attempts to take a lock another process holds: the first wait,
#: doubled after each failed attempt up to the last (each one jittered by +-50%).
_POLL_FIRST = 0.02
_POLL_MAX = 0.25
#: Seconds a measured difference between this machine's clock and the store's is used
#: before it is measured again (one ``TIME`` command).
CLOCK_RECHECK = 60.0

_ACQUIRE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local fence = redis.call('INCR', KEYS[2])
local owner = fence .. ':' .. ARGV[1]
redis.call('SET', KEYS[1], owner, 'PX', ARGV[2])
return owner
"""
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# KEYS: data, lock, unsaved marks. ARGV: owner ('' = unfenced), the field whose text is
# expected, its expected text ('\0' = none), '<seconds> <host>' of the writer when a
# token is written ('' = not; the seconds are used where TIME is refused), then the
# number of fields to set, the field/value pairs, and the fields to delete. Every field
# written loses its mark; a token written stamps the field "refreshed" with the server's
# clock and the host.
_WRITE = """
if ARGV[1] ~= '' then
  local holder = redis.call('GET', KEYS[2])
  if holder ~= ARGV[1] then
    if holder then return 0 end
    local stored = redis.call('HGET', KEYS[1], ARGV[2])
    if not stored then stored = '\\0' end
    if stored ~= ARGV[3] then return 0 end
  end
end
local n = tonumber(ARGV[5])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 6, 5 + 2 * n)) end
if #ARGV > 5 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 6 + 2 * n)) end
for i = 0, n - 1 do redis.call('HDEL', KEYS[3], ARGV[6 + 2 * i]) end
if #ARGV > 5 + 2 * n then redis.call('HDEL', KEYS[3], unpack(ARGV, 6 + 2 * n)) end
if ARGV[4] ~= '' then
  local at, host = string.match(ARGV[4], '^(%S+) (.*)$')
  local now = redis.pcall('TIME')
  if type(now) == 'table' and now[1] then
    at = now[1] .. '.' .. string.format('%06d', now[2])
  end
  redis.call('HSET', KEYS[1], 'refreshed', at .. ' ' .. host)
end
return 1
"""
#: The field of ``...:data`` that records the last token write: ``<seconds> <host>``, the
#: seconds by the Redis server's clock (not an item: written with the token, in its script).
REFRESHED = "refreshed"


#: Query parameters holding a secret: hidden in :func:`redact_url` and scrubbed from messages.
_SECRET_OPTIONS = frozenset({"password", "ssl_password"})


def _connection_options(url: str, options: Mapping[str, str]) -> None:
    """Check the query parameters left for redis-py: the ones its URL parsers read,
    ``username``/``password``/``client_name``, and, for ``rediss://`` only, the TLS ones
    (``ssl_...``: those the installed redis-py's TLS connection takes). A TLS option on a
    plain ``redis://`` URL is refused rather than ignored, so that a typo in the scheme
    never sends the login in clear.

    :raises ProfileError: an option redis-py does not know, or a TLS option without TLS.
    """
    import inspect

    from redis.connection import URL_QUERY_ARGUMENT_PARSERS, SSLConnection

    parsed = set(URL_QUERY_ARGUMENT_PARSERS)
    tls_options = set(inspect.signature(SSLConnection.__init__).parameters) - {
        "ssl_ocsp_context"  # an object, not text
    }
    tls = urlsplit(url).scheme == "rediss"
    for name in options:
        if name.startswith("ssl_") and (name in tls_options or name in parsed):
            if not tls:
                raise ProfileError(
                    f"store URL {redact_url(url)}: {name} is a TLS option; use rediss:// "
                    "(TLS) rather than redis://"
                )
        elif name not in parsed and name not in ("username", "password", "client_name"):
            raise ProfileError(
                f"store URL {redact_url(url)}: unknown option {name!r}; give prefix, lease, "
                "or one of redis-py's connection options (see the fleet docs)"
            )


def _text(value: object) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def redact_url(url: str) -> str:
    """:return: ``url`` with its password replaced by ``***`` (safe to print), whether it
    is in the user part or a ``?password=`` query parameter (redis-py reads both), and so
    is the password of an encrypted TLS key (``?ssl_password=``)."""
    parts = urlsplit(url)
    if parts.password is not None:
        user = parts.username or ""
        host = parts.netloc.rpartition("@")[2]
        parts = parts._replace(netloc=f"{user}:***@{host}")
    if parts.query and any(name in _SECRET_OPTIONS for name, _ in _query(parts.query)):
        pairs = [
            (name, "***" if name in _SECRET_OPTIONS else value)
            for name, value in _query(parts.query)
        ]
        parts = parts._replace(query=urlencode(pairs, safe=":*/"))
    return urlunsplit(parts)


def _query(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def _passwords(url: str) -> tuple[str, ...]:
    """:return: every form of the password(s) in ``url`` that could appear in a message."""
    parts = urlsplit(url)
    found = [parts.password or ""]
    found += [value for name, value in _query(parts.query) if name in _SECRET_OPTIONS]
    forms = {form for value in found if value for form in (value, unquote(value))}
    return tuple(sorted(forms, key=len, reverse=True))


class RedisStore(ProfileStore):
    """Profiles in Redis, shared by every machine that reaches it.

    :param url: ``redis://[user:password@]host:port/db`` or ``rediss://...`` (TLS), with
        optional query parameters ``prefix`` (key prefix, default ``ytsession:``),
        ``lease`` (seconds a killed or stopped lock holder keeps the lock, default 3: its
        holder renews it every third of that while it works), and redis-py's
        connection options (``ssl_ca_certs``, ``ssl_certfile``, ``ssl_keyfile``,
        ``ssl_password``, ``ssl_cert_reqs``, ``ssl_check_hostname`` (default true), ... for
        ``rediss://``), passed through to redis-py.
    :raises ProfileError: the URL is not usable (an unknown option, or a TLS option on a
        ``redis://`` URL).
    :raises ImportError: redis-py is not installed (``pip install ytsession[redis]``).
    """

    backend: ClassVar[str] = "redis"

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss") or not parts.hostname:
            raise ProfileError(
                f"store URL {redact_url(url)} is not a Redis URL: use "
                "redis://[user:password@]host:port/db or rediss://..."
            )
        options = dict(parse_qsl(parts.query))
        self.prefix = options.pop("prefix", DEFAULT_PREFIX)
        try:
            self.lease = float(options.pop("lease", DEFAULT_LEASE))
        except ValueError:
            raise ProfileError(f"store URL {redact_url(url)}: lease must be seconds") from None
        if not 0.1 <= self.lease <= 3600:
            raise ProfileError(f"store URL {redact_url(url)}: lease must be 0.1 to 3600 s")
        self._passwords = _passwords(url)
        self._url = redact_url(url)
        connect_url = urlunsplit(parts._replace(query=urlencode(options)))
        try:
            import redis as redis_module
        except ImportError:
            raise ImportError(
                "the Redis profile store needs redis-py: pip install 'ytsession[redis]'"
            ) from None
        _connection_options(url, options)
        # The certificate must name the host, whatever redis-py's default (5.x: not checked)
        tls = {"ssl_check_hostname": True} if parts.scheme == "rediss" else {}
        self._errors = redis_module.exceptions
        try:
            self._redis: redis.Redis = redis_module.Redis.from_url(
                connect_url,
                decode_responses=True,
                socket_timeout=SOCKET_TIMEOUT,
                socket_connect_timeout=SOCKET_TIMEOUT,
                retry_on_timeout=False,
                **tls,
            )
        except ValueError as exc:
            raise ProfileError(
                f"store URL {self._url} is not usable ({self._scrub(str(exc))})"
            ) from None
        self._clock = threading.Lock()
        self._offset: float | None = None  # the store's clock minus this machine's
        self._offset_until = 0.0  # time.monotonic() after which it is measured again
        self._scripts = {
            name: self._redis.register_script(body)
            for name, body in (
                ("acquire", _ACQUIRE),
                ("renew", _RENEW),
                ("release", _RELEASE),
                ("write", _WRITE),
            )
        }

    @property
    def url(self) -> str:
        return self._url

    def key(self, profile: str, part: str = "data") -> str:
        """:return: the Redis key of one part (``data``, ``lock``, ``fence``, ``unsaved``)
        of ``profile``."""
        return f"{self.prefix}profile:{checked_name(profile)}:{part}"

    def where(self, profile: str, item: str) -> str:
        return f"{self._url} key {self.key(profile)} field {item}"

    # --- reading and writing -------------------------------------------------------------

    def read(self, profile: str, item: str) -> str | None:
        return self.read_many(profile, (item,))[item]

    def read_many(self, profile: str, items: tuple[str, ...]) -> dict[str, str | None]:
        key = self.key(profile)
        values = self._call(lambda: self._redis.hmget(key, list(items)), where=key)
        return {item: _text(value) for item, value in zip(items, values, strict=True)}

    def write(
        self,
        profile: str,
        items: Mapping[str, str | None],
        *,
        lock: StoreLock | None = None,
        expect_token: str | None = None,
        expect_item: str = TOKEN,
    ) -> None:
        for item in items:
            if item not in ITEMS:
                raise ValueError(f"unknown profile item {item!r}")
        data, lock_key, marks = (self.key(profile, part) for part in ("data", "lock", "unsaved"))
        pairs = [part for item, text in items.items() if text is not None for part in (item, text)]
        removed = [item for item, text in items.items() if text is None]
        # The store's clock, or this machine's where an ACL user may not run TIME
        written = items.get(TOKEN) is not None
        stamp = f"{time.time():.6f} {socket.gethostname()}" if written else ""
        args: list[str | int] = [
            lock.owner if lock is not None else "",
            expect_item,
            expect_token if expect_token is not None else "\0",
            stamp,
            len(pairs) // 2,
            *pairs,
            *removed,
        ]
        done = self._call(
            lambda: self._scripts["write"](keys=[data, lock_key, marks], args=args), where=data
        )
        if not done:
            raise StoreLockLostError(
                f"profile '{profile}' in {self._url}: this process's lock ran out (lease "
                f"{self.lease:g} s) and another process has written since; nothing was "
                "written. Run again: the next run adopts the stored login"
            )

    def mark_unsaved(self, profile: str, item: str) -> bool:
        key = self.key(profile, "unsaved")
        try:
            self._call(lambda: self._redis.hset(key, item, "1"), where=key)
        except StoreError as exc:
            log.warning("could not mark %s as unsaved (%s)", self.where(profile, item), exc)
            return False
        return True

    def is_unsaved(self, profile: str, item: str) -> bool:
        key = self.key(profile, "unsaved")
        return bool(self._call(lambda: self._redis.hexists(key, item), where=key))

    def unsaved_mark(self, profile: str, item: str) -> str:
        return f"{self._url} key {self.key(profile, 'unsaved')} field {item}"

    def profiles(self) -> list[str]:
        pattern = f"{self.prefix}profile:*:data"
        start, end = len(f"{self.prefix}profile:"), -len(":data")

        def scan() -> list[str]:
            names = []
            for key in self._redis.scan_iter(match=pattern, count=500):
                if self._redis.hexists(key, SETTINGS):
                    names.append(key[start:end])
            return sorted(names)

        return self._call(scan, where=pattern)

    def delete(self, profile: str) -> None:
        keys = [self.key(profile, part) for part in ("data", "lock", "fence", "unsaved")]
        self._call(lambda: self._redis.delete(*keys), where=keys[0])

    # --- the clock -----------------------------------------------------------------------

    def now(self) -> float:
        """The store's time: this machine's clock plus the difference to Redis's ``TIME``,
        measured once every :data:`CLOCK_RECHECK` seconds (so a read costs no round trip).
        An ACL user refused ``TIME`` falls back to this machine's clock, with a warning."""
        with self._clock:
            if self._offset is None or time.monotonic() >= self._offset_until:
                self._offset = self._measure_offset()
                self._offset_until = time.monotonic() + CLOCK_RECHECK
            return time.time() + self._offset

    def _measure_offset(self) -> float:
        """:return: the store's clock minus this machine's (seconds), measured with
        ``TIME`` against the midpoint of the round trip."""
        errors = self._errors

        def ask() -> tuple[int, int] | None:
            try:
                seconds, micros = self._redis.time()
            except errors.ResponseError as exc:
                if isinstance(exc, errors.NoPermissionError) or str(exc).startswith("NOPERM"):
                    return None
                raise
            return int(seconds), int(micros)

        before = time.time()
        answer = self._call(ask, where="TIME")
        after = time.time()
        if answer is None:
            log.warning(
                "the profile store %s refused TIME; expiries are measured by this "
                "machine's clock (allow +time in the store user's ACL)",
                self._url,
            )
            return 0.0
        return answer[0] + answer[1] / 1e6 - (before + after) / 2

    # --- the lock ------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, profile: str, *, timeout: float = _files.LOCK_TIMEOUT) -> Iterator[StoreLock]:
        lock_key, fence_key = self.key(profile, "lock"), self.key(profile, "fence")
        lease_ms = max(1, int(self.lease * 1000))
        deadline = time.monotonic() + timeout
        nonce = f"{secrets.token_hex(8)}@{socket.gethostname()}:{os.getpid()}"
        wait = _POLL_FIRST
        while True:
            owner = self._call(
                lambda: self._scripts["acquire"](
                    keys=[lock_key, fence_key], args=[nonce, lease_ms]
                ),
                where=lock_key,
            )
            if owner:
                break
            if time.monotonic() >= deadline:
                raise LockTimeoutError(
                    f"another process has held the lock of profile '{profile}' in {self._url} "
                    f"for over {timeout:.0f} s; it is released {self.lease:g} s after its "
                    "holder stops, so try again",
                    where=f"{self._url} key {lock_key}",
                    timeout=timeout,
                )
            left = deadline - time.monotonic()
            time.sleep(min(left, wait * (0.5 + secrets.randbelow(100) / 100)))
            wait = min(_POLL_MAX, wait * 2)
        held = StoreLock(
            profile=profile, fence=int(str(owner).partition(":")[0]), lease=self.lease, owner=owner
        )
        stop = threading.Event()
        renewer = threading.Thread(
            target=self._renew,
            args=(lock_key, owner, lease_ms, stop),
            name=f"ytsession-lease-{profile}",
            daemon=True,
        )
        renewer.start()
        try:
            yield held
        finally:
            stop.set()
            renewer.join()
            with contextlib.suppress(StoreError):
                self._call(
                    lambda: self._scripts["release"](keys=[lock_key], args=[owner]),
                    where=lock_key,
                )

    def lock_state(self, profile: str) -> LockState:
        lock_key, fence_key = self.key(profile, "lock"), self.key(profile, "fence")

        def read() -> list[object]:
            with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(lock_key)
                pipe.pttl(lock_key)
                pipe.get(fence_key)
                return list(pipe.execute())

        owner, left_ms, fence = self._call(read, where=lock_key)
        fence_text = _text(fence) or "0"
        if not (fence_text.isascii() and fence_text.isdecimal()):
            raise StoreDataError(
                f"{self._url} key {fence_key} is not a counter; it was left as it is",
                where=f"{self._url} {fence_key}",
            )
        if not isinstance(owner, str) or not isinstance(left_ms, int) or left_ms < 0:
            return LockState(held=False, fence=int(fence_text))
        host, _, pid = owner.partition("@")[2].rpartition(":")
        known = host.isprintable() and 0 < len(host) <= 255 and pid.isascii() and pid.isdecimal()
        return LockState(
            held=True,
            host=host if known else None,
            pid=int(pid) if known else None,
            lease_left=left_ms / 1000,
            fence=int(fence_text),
        )

    def last_refresh(self, profile: str) -> LastRefresh | None:
        key = self.key(profile)
        text = _text(self._call(lambda: self._redis.hget(key, REFRESHED), where=key))
        if text is None:
            return None
        seconds, _, host = text.partition(" ")
        try:
            at = float(seconds) if seconds.isascii() else float("nan")
        except ValueError:
            at = float("nan")
        if not (0 <= at < 1e11) or not (host.isprintable() and 0 < len(host) <= 255):
            raise StoreDataError(
                f"{self._url} key {key} field {REFRESHED} is not what ytsession stores there; "
                "it was left as it is (the next refresh rewrites it)",
                where=f"{self._url} {key}",
            )
        return LastRefresh(at=at, host=host)

    def _renew(self, lock_key: str, owner: str, lease_ms: int, stop: threading.Event) -> None:
        """Extend the lease every third of it while the holder works and still owns the
        lock (a holder that was stopped past its lease finds it gone and stops renewing; its
        fenced write then says so, in one line)."""
        while not stop.wait(self.lease / 3):
            try:
                if not self._scripts["renew"](keys=[lock_key], args=[owner, lease_ms]):
                    log.debug("lost the lock %s: its lease ran out", lock_key)
                    return
            except self._errors.RedisError as exc:
                log.warning("could not renew the lock %s (%s)", lock_key, type(exc).__name__)

    # --- errors --------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return _secrets.scrub(text, self._passwords)

    def _said(self, exc: BaseException) -> str:
        """What Redis said, scrubbed, without its closing full stop (it goes in brackets)."""
        return self._scrub(str(exc)).strip().rstrip(".")

    def _call(self, action: Callable[[], _T], *, where: str) -> _T:
        errors = self._errors
        try:
            return action()
        except (errors.AuthenticationError, errors.AuthorizationError) as exc:
            raise StoreAuthError(
                f"the profile store {self._url} refused its credentials "
                f"({self._said(exc)}); fix the user and password in the store URL"
            ) from None
        except (errors.ConnectionError, errors.TimeoutError) as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                raise StoreUnreachableError(
                    f"the profile store {self._url} did not prove who it is over TLS "
                    f"({self._said(exc)}); nothing was sent to it. Give the "
                    "certificate authority that signed its certificate with "
                    "?ssl_ca_certs=PATH, and reach it by a name its certificate carries"
                ) from None
            raise StoreUnreachableError(
                f"the profile store {self._url} cannot be reached ({self._said(exc)}); "
                "check that Redis runs and the URL is right, then run again"
            ) from None
        except errors.ResponseError as exc:
            text = self._said(exc)
            # redis-py strips the NOPERM of an ACL refusal into its own class
            refused = isinstance(exc, errors.NoPermissionError)
            if refused or text.startswith(("NOAUTH", "WRONGPASS", "NOPERM")):
                raise StoreAuthError(
                    f"the profile store {self._url} refused the request ({text}); fix the "
                    "user and password in the store URL, or the user's rights"
                ) from None
            if text.startswith("WRONGTYPE"):
                raise StoreDataError(
                    f"{self._url} key {where} is not what ytsession stores there (a "
                    "different type of Redis value); it was left as it is: use another "
                    "?prefix= or remove the key",
                    where=f"{self._url} {where}",
                ) from None
            raise StoreError(f"the profile store {self._url} failed: {text}") from None
        except errors.RedisError as exc:
            raise StoreError(f"the profile store {self._url} failed ({self._said(exc)})") from None

    def close(self) -> None:
        self._redis.close()


__all__ = ["DEFAULT_PREFIX", "RedisStore", "redact_url"]
