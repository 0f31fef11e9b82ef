"""The emulator's assembly: the services on one loopback server, the banner, ``serve``.

:class:`Emulator` is a :class:`~ytsession.testing.kit.LoopbackServer` (the HTTP kit,
which knows no service) with every emulated service's routes registered on it, plus the
control routes that span services (``/_emulator/config``, ``/_emulator/cookies.txt``).
A new service is a module in :mod:`ytsession.testing.services` and one more line in
:func:`default_services`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Mapping
from typing import TypeVar

from ytsession.testing.kit import (
    CONTROL_PREFIX,
    LoopbackServer,
    Request,
    Response,
    Service,
    control_error,
)
from ytsession.testing.services.botguard import BotGuardService
from ytsession.testing.services.google import GoogleOAuthService
from ytsession.testing.services.google_model import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET
from ytsession.testing.services.innertube import InnerTubeService
from ytsession.testing.services.peertube import PeerTubeService
from ytsession.testing.services.peertube_accounts import (
    PEERTUBE_2FA_PASSWORD,
    PEERTUBE_2FA_USERNAME,
    PEERTUBE_PASSWORD,
    PEERTUBE_USERNAME,
)

__all__ = ["Emulator", "banner", "default_services", "serve"]


def default_services() -> list[Service]:
    """A new instance of every emulated service, as :class:`Emulator` runs them by default."""
    google = GoogleOAuthService()
    return [google, PeerTubeService(), InnerTubeService(google), BotGuardService()]


_S = TypeVar("_S", bound=Service)


class Emulator(LoopbackServer):
    """A loopback HTTP server emulating the services ytsession talks to.

    Use it as a context manager::

        with Emulator() as emu:
            requests.post(f"{emu.url}/device/code", data={...})
            emu.google.approve(user_code)

    The request log, the injected faults and the lifecycle are the kit's
    (:class:`~ytsession.testing.kit.LoopbackServer`).

    :param host: the address to bind; keep the default outside of demos.
    :param port: the port to bind; ``0`` picks a free one.
    :param services: the services to emulate; by default all of them.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        services: Iterable[Service] | None = None,
    ) -> None:
        super().__init__(host, port)
        self._services: dict[str, Service] = {}
        for service in default_services() if services is None else services:
            if not service.name or service.name in self._services:
                raise ValueError(f"service needs a unique name, got {service.name!r}")
            self._services[service.name] = service
            service.register(self._router)
        self._register_control_routes()

    # ----------------------------------------------------------------- services

    def service(self, name: str) -> Service:
        """Return a service by name.

        :param name: the service's :attr:`Service.name`.
        :raises KeyError: when the emulator does not run that service.
        """
        return self._services[name]

    def _typed_service(self, name: str, cls: type[_S]) -> _S:
        service = self._services.get(name)
        if not isinstance(service, cls):
            raise AttributeError(f"this emulator does not run the {name!r} service")
        return service

    @property
    def google(self) -> GoogleOAuthService:
        """The Google OAuth service's state and settings."""
        return self._typed_service("google", GoogleOAuthService)

    @property
    def peertube(self) -> PeerTubeService:
        """The PeerTube instance's state and settings (its ``instance_url`` is :attr:`url`)."""
        return self._typed_service("peertube", PeerTubeService)

    @property
    def innertube(self) -> InnerTubeService:
        """InnerTube's state and settings (``/sw.js_data``, ``/youtubei/v1/...``)."""
        return self._typed_service("innertube", InnerTubeService)

    @property
    def botguard(self) -> BotGuardService:
        """The stand-in BotGuard attestation service (``/api/jnn/v1/...``)."""
        return self._typed_service("botguard", BotGuardService)

    @property
    def services(self) -> dict[str, Service]:
        """All services, by name (a copy)."""
        return dict(self._services)

    # ----------------------------------------------------------------- control API

    def configure(self, values: Mapping[str, object]) -> None:
        """Change service settings, all or none (what ``POST /_emulator/config`` does).

        A key naming a service (``{"google": {"token_lifetime": 5}}``) configures that
        service; any other key goes to the one service that has such a setting
        (``{"token_lifetime": 5}``).

        :param values: the settings.
        :raises ValueError: when a key is unknown, ambiguous or a value is invalid.
        """
        plan: dict[str, dict[str, object]] = {}
        problems: list[str] = []
        for key, value in values.items():
            if key in self._services:
                if not isinstance(value, Mapping):
                    problems.append(f"{key!r} must map setting names to values")
                    continue
                for sub_key, sub_value in value.items():
                    plan.setdefault(key, {})[str(sub_key)] = sub_value
                continue
            owners = [s.name for s in self._services.values() if key in s.SETTINGS]
            if len(owners) != 1:
                why = "unknown setting" if not owners else "ambiguous setting"
                problems.append(f"{why} {key!r}; known: {sorted(self.settings())}")
                continue
            plan.setdefault(owners[0], {})[key] = value
        for name, settings in plan.items():
            service = self._services[name]
            problems.extend(p for k, v in settings.items() if (p := service.check_setting(k, v)))
        if problems:
            raise ValueError("; ".join(problems))
        for name, settings in plan.items():
            self._services[name].configure(settings)

    def settings(self) -> dict[str, dict[str, object]]:
        """Return every service's settings, by service name."""
        return {name: service.settings() for name, service in self._services.items()}

    def _register_control_routes(self) -> None:
        router = self._router
        prefix = CONTROL_PREFIX

        @router.route("GET", prefix + "config")
        def get_config(request: Request) -> Response:
            return Response.json(self.settings())

        @router.route("POST", prefix + "config")
        def post_config(request: Request) -> Response:
            values = request.json if isinstance(request.json, dict) else None
            if values is None:
                return control_error("send a JSON object of settings")
            try:
                self.configure(values)
            except ValueError as exc:
                return control_error(str(exc))
            return Response.json(self.settings())

        @router.route("GET", prefix + "cookies.txt")
        def get_cookies_txt(request: Request) -> Response:
            # The emulated signed-in browser's cookies, as a browser extension exports them.
            return Response.text(self.innertube.cookies.cookies_txt())


# --------------------------------------------------------------------------- serve


def banner(url: str, *, terminal: bool = False) -> list[str]:
    """The lines ``ytsession emulator`` prints: the exact commands for each kind of login.

    Every line is either a shell command that runs as pasted or a ``#`` comment (what to
    type when a command asks, what to do next), so the whole banner can be pasted at once.
    The suite runs each command line as printed.

    :param url: the emulator's URL.
    :param terminal: the banner goes to a person at a terminal (adds how to stop it).
    """
    browse = """'{"browseId": "FEwhat_to_watch"}'"""
    control = f"{url}{CONTROL_PREFIX}"
    lines = [
        f"# ytsession emulator listening on {url}",
        "# Every line below that is not a comment runs as pasted. First point every command",
        "# at the emulator:",
        f"export YTSESSION_SERVER={url}",
        "",
        "# Google login (device flow) with the emulator's test OAuth client. It shows a code",
        "# and waits until the code is approved in a browser on this machine at",
        f"#   {url}/device",
        "# (the QR code it draws holds that loopback URL, so a phone cannot open it).",
        f"YTSESSION_CLIENT_ID={EMULATOR_CLIENT_ID} "
        f"YTSESSION_CLIENT_SECRET={EMULATOR_CLIENT_SECRET} ytsession login",
        f"ytsession call browse --data {browse}",
        "ytsession token",
        "ytsession status",
        "ytsession whoami",
        "",
        "# Google login with the emulated YouTube TV app's own client (approve it the same way):",
        "ytsession login --youtube-tv --profile tv",
        "",
        "# A signed-in browser's cookies (the emulator serves a ready cookies.txt):",
        f"curl -s {control}cookies.txt -o cookies.txt",
        "ytsession login --cookies cookies.txt --profile cookies",
        "ytsession whoami --profile cookies",
        "",
        "# PeerTube, at the same address. The login asks for the password; type:",
        f"#   {PEERTUBE_PASSWORD}",
        f"ytsession login --peertube {url} --username {PEERTUBE_USERNAME} --profile peertube",
        "ytsession status --profile peertube",
        "",
        "# A two-factor account. The login asks for the password; type:",
        f"#   {PEERTUBE_2FA_PASSWORD}",
        "# then for the current two-factor code, which this prints:",
        f"curl -s {control}peertube/otp",
        f"ytsession login --peertube {url} --username {PEERTUBE_2FA_USERNAME} "
        "--profile peertube-2fa",
        "",
        "# PO tokens: session-tokens runs BotGuard in Node.js 18+, whose npm packages",
        "# botguard-setup installs once (from the npm registry: this one needs the internet):",
        "ytsession botguard-setup",
        "ytsession session-tokens --video-id dQw4w9WgXcQ",
        "",
        "# Log out (the token is revoked at the emulator and the profile deleted):",
        "ytsession logout",
        "ytsession logout --profile peertube",
    ]
    if terminal:
        lines += ["", "# Press Ctrl-C to stop."]
    return lines


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    stop_event: threading.Event | None = None,
) -> None:
    """Run an emulator in the foreground until Ctrl-C or ``stop_event`` is set.

    Prints ``# ytsession emulator listening on http://HOST:PORT`` as the first line of
    stdout, then the exact commands of each kind of login (:func:`banner`), how to stop it
    only when standard output and input are a terminal. Used by ``ytsession emulator``.

    :param host: the address to bind.
    :param port: the port to bind; ``0`` picks a free one.
    :param stop_event: set it (from another thread) to stop serving.
    """
    event = stop_event if stop_event is not None else threading.Event()
    with Emulator(host, port) as emulator:
        terminal = sys.stdout.isatty() and sys.stdin is not None and sys.stdin.isatty()
        print("\n".join(banner(emulator.url, terminal=terminal)), flush=True)
        try:
            while not event.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
