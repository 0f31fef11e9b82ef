"""``ytsession session-tokens`` and ``ytsession botguard-setup``.

Only the standard library is imported here at first: the parser of every ``ytsession``
command is built from it.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..._console import say
from ..common import locale_options, server_option

if TYPE_CHECKING:
    from ...youtube.innertube.potoken.providers import PoToken, PoTokenProvider
    from ..common import Parents

__all__ = ["PROVIDER_NAMES", "cmd_botguard_setup", "cmd_session_tokens", "register"]

#: The ``--provider`` names.
PROVIDER_NAMES = ("botguard", "coldstart", "static")


def _providers(args: argparse.Namespace) -> list[PoTokenProvider]:
    from ...youtube.innertube.potoken.providers import ColdStartProvider, StaticProvider

    names = [n.strip().lower() for n in args.provider.split(",") if n.strip()]
    unknown = [n for n in names if n not in PROVIDER_NAMES]
    if unknown or not names:
        raise ValueError(
            f"unknown --provider {','.join(unknown) or args.provider!r}; use one or more of "
            f"{', '.join(PROVIDER_NAMES)}, comma-separated, in the order to try them"
        )
    if "static" in names and not args.po_token:
        raise ValueError("--provider static needs --po-token TOKEN")
    providers: list[PoTokenProvider] = []
    for name in names:
        if name == "botguard":
            from ...youtube.innertube.potoken.botguard import DEFAULT_TIMEOUT, BotGuardProvider

            providers.append(
                BotGuardProvider(
                    base_url=args.server,
                    node=args.node,
                    timeout=args.timeout or DEFAULT_TIMEOUT,
                )
            )
        elif name == "coldstart":
            providers.append(ColdStartProvider())
        else:
            providers.append(StaticProvider(args.po_token))
    return providers


def _describe(token: PoToken | None) -> dict[str, Any] | None:
    if token is None:
        return None
    return {
        "po_token": token.token,
        "binding": token.binding.value,
        "binding_kind": token.binding.kind.value,
        "provider": token.provider,
        "placeholder": token.placeholder,
        "expires_at": int(token.expires_at) if token.expires_at is not None else None,
    }


def cmd_session_tokens(args: argparse.Namespace) -> int:
    """Print visitor data, rollout token and PO tokens of a fresh trusted session."""
    import json

    from ..._console import UsageError
    from ...errors import PoTokenError
    from ...store.servers import named_server
    from ...youtube.innertube.potoken.binding import PoTokenContext
    from ...youtube.innertube.potoken.providers import PoTokenRequest
    from ...youtube.innertube.potoken.ytdlp_args import ytdlp_extractor_args
    from ...youtube.session import Session

    args.server = named_server(args.server)
    try:
        providers = _providers(args)
    except ValueError as exc:
        from ..common import one_line

        raise UsageError(one_line(exc)) from None
    options: dict[str, Any] = {
        "client": args.client,
        "lang": args.lang,
        "location": args.location,
        "base_url": args.server,
        "cache": not args.no_cache,
        "generate_session_locally": args.generate_session_locally,
        "visitor_data": args.visitor_data,
        "po_token_providers": providers,
    }
    with Session.create(**options) as session:
        chain = session.po_token_providers
        client = session.client_name
        visitor_data = session.visitor_data
        rollout_token = session.rollout_token
    logged_in = bool(args.data_sync_id)
    common: dict[str, Any] = {
        "client": client,
        "visitor_data": visitor_data,
        "data_sync_id": args.data_sync_id or "",
        "logged_in": logged_in,
        "video_id": args.video_id or "",
        "bind_to_visitor_id": args.bind_to_visitor_id,
    }
    contexts = ["gvs", "player", "subs"] if args.video_id else ["gvs"]
    requests = [PoTokenRequest(context=PoTokenContext(c), **common) for c in contexts]
    if requests[0].binding() is None:
        say(f"ytsession: the {client} client uses no PO tokens; pick a web client (e.g. WEB)")
        return 2
    assert chain is not None  # po_token_providers was given; tokens live beside the cache
    found = chain.get_many(requests)
    missing = [c for c, token in zip(contexts, found, strict=True) if token is None]
    if missing:
        raise PoTokenError(
            f"no PO token for {', '.join(missing)}: every provider declined "
            f"({args.provider}); try --provider botguard,coldstart"
        )
    tokens = dict(zip(contexts, found, strict=True))
    if any(t is not None and t.placeholder for t in found):
        say(
            "ytsession: warning: cold-start placeholder tokens; YouTube accepts them only "
            "while a session warms up. Use --provider botguard for minted ones"
        )
    if args.format == "yt-dlp":
        value = ytdlp_extractor_args(
            client=client,
            tokens={c: t.token for c, t in tokens.items() if t is not None},
            visitor_data=visitor_data,
            data_sync_id=args.data_sync_id or "",
        )
        print(value)
        say('Use it as: yt-dlp --extractor-args "<the line above>" URL')
        return 0
    gvs = tokens["gvs"]
    info: dict[str, Any] = {
        "client": client,
        "visitor_data": visitor_data,
        "rollout_token": rollout_token,
        "data_sync_id": args.data_sync_id,
        "video_id": args.video_id,
        "po_token": gvs.token if gvs is not None else None,
        "tokens": {c: _describe(t) for c, t in tokens.items()},
    }
    print(json.dumps(info, indent=None if args.compact else 2))
    return 0


def cmd_botguard_setup(args: argparse.Namespace) -> int:
    """Install (or check) the Node.js packages of the BotGuard provider."""
    from ...youtube.innertube.potoken.botguard import setup

    return setup(args.node_dir, check_only=args.check)


def register(sub: Any, parents: Parents) -> None:
    """Add ``session-tokens`` and ``botguard-setup`` to the ``ytsession`` command.

    :param sub: the subparsers object of the ``ytsession`` parser.
    """
    tokens = sub.add_parser(
        "session-tokens",
        help="print visitor data, rollout token and PO tokens (JSON or yt-dlp's arguments)",
        description=(
            "Make a trusted session the way dedicated generators do: fetch visitor data and "
            "rollout token, then mint PO tokens bound to them (and to --video-id) with "
            "BotGuard in Node.js. --format yt-dlp prints the value of yt-dlp's "
            "--extractor-args."
        ),
    )
    tokens.add_argument("--client", default="WEB", help="client name (default WEB)")
    tokens.add_argument("--video-id", metavar="ID", help="also mint player and subtitle tokens")
    tokens.add_argument(
        "--format", choices=("json", "yt-dlp"), default="json", help="output (default json)"
    )
    tokens.add_argument(
        "--provider",
        default="botguard",
        metavar="NAMES",
        help="providers to try in order, comma-separated: botguard, coldstart, static "
        "(default botguard)",
    )
    tokens.add_argument("--po-token", metavar="TOKEN", help="the token of --provider static")
    tokens.add_argument(
        "--data-sync-id",
        metavar="ID",
        help="signed-in account's DATASYNC_ID: bind stream tokens to it (use with cookies)",
    )
    tokens.add_argument("--visitor-data", metavar="DATA", help="use this visitor data")
    tokens.add_argument(
        "--bind-to-visitor-id",
        action="store_true",
        help="bind the session token to the visitor id instead of the whole visitor data",
    )
    locale_options(tokens)
    server_option(
        tokens,
        "--base-url",
        help="fetch everything here instead of YouTube and Google, e.g. `ytsession emulator`'s "
        "URL (default: $YTSESSION_SERVER)",
    )
    tokens.add_argument("--node", metavar="PATH", help="the Node.js executable (default: node)")
    tokens.add_argument("--timeout", type=float, metavar="SECONDS", help="BotGuard time limit")
    tokens.add_argument(
        "--no-cache", action="store_true", help="neither read nor write cached data and tokens"
    )
    tokens.add_argument(
        "--generate-session-locally",
        action="store_true",
        help="make visitor data locally instead of fetching it",
    )
    tokens.add_argument("--compact", action="store_true", help="print the JSON on one line")
    tokens.set_defaults(handler=cmd_session_tokens)

    setup = sub.add_parser(
        "botguard-setup",
        help="install the Node.js packages the BotGuard PO token provider needs (npm)",
        description=(
            "Run `npm install` of jsdom and bgutils-js into $YTSESSION_NODE_DIR (default: "
            "'node' under the user cache directory). Needs Node.js 18+ and npm."
        ),
    )
    setup.add_argument("--node-dir", metavar="DIR", help="install here instead")
    setup.add_argument("--check", action="store_true", help="only check the installation")
    setup.set_defaults(handler=cmd_botguard_setup)
