"""yt-dlp's spelling of PO tokens: the value of ``--extractor-args`` that hands yt-dlp the
tokens a session minted (``ytsession session-tokens --format yt-dlp`` prints it)."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["YTDLP_CLIENT_NAMES", "ytdlp_extractor_args"]

#: yt-dlp's name of each client that uses PO tokens (``--extractor-args`` spelling), as the
#: pinned yt-dlp release's ``INNERTUBE_CLIENTS`` names them (the suite checks it there).
#: ``TVHTML5_SIMPLY_EMBEDDED_PLAYER`` has no yt-dlp client any more (``tv_embedded`` is gone).
YTDLP_CLIENT_NAMES: Mapping[str, str] = {
    "WEB": "web",
    "MWEB": "mweb",
    "WEB_EMBEDDED_PLAYER": "web_embedded",
    "WEB_REMIX": "web_music",
    "WEB_CREATOR": "web_creator",
    "TVHTML5": "tv",
    "TVHTML5_SIMPLY": "tv_simply",
}


def ytdlp_extractor_args(
    *,
    client: str,
    tokens: Mapping[str, str],
    visitor_data: str = "",
    data_sync_id: str = "",
) -> str:
    """Build the value of yt-dlp's ``--extractor-args`` that uses these tokens.

    :param client: the ``clientName`` the tokens were made for, e.g. ``"WEB"``.
    :param tokens: context (``"gvs"``, ``"player"``, ``"subs"``) -> token.
    :param visitor_data: the visitor data the session tokens are bound to (signed out).
    :param data_sync_id: the data sync id (signed in: used with cookies instead of visitor
        data).
    :return: e.g. ``youtube:player_client=web;player_skip=webpage,configs;
        visitor_data=...;po_token=web.gvs+...,web.player+...``.
    :raises ValueError: yt-dlp knows no such client, or a token holds a separator.
    """
    name = YTDLP_CLIENT_NAMES.get(client.upper())
    if name is None:
        raise ValueError(
            f"yt-dlp has no client that uses PO tokens of {client}; use one of "
            f"{', '.join(YTDLP_CLIENT_NAMES)}"
        )
    parts = [f"player_client={name}", "player_skip=webpage,configs"]
    if data_sync_id:
        parts.append(f"data_sync_id={data_sync_id}")
    elif visitor_data:
        parts.append(f"visitor_data={visitor_data}")
    pots = []
    for context, token in tokens.items():
        if any(sep in token for sep in ",;+ "):
            raise ValueError("a PO token holds a character yt-dlp uses as a separator")
        pots.append(f"{name}.{context}+{token}")
    if pots:
        parts.append("po_token=" + ",".join(pots))
    return "youtube:" + ";".join(parts)
