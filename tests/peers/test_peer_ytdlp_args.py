"""yt-dlp's ``--extractor-args`` and client names judged by yt-dlp itself.

The value we build is parsed by yt-dlp's own option parser and read back through its YouTube
extractor (``_configuration_arg`` and its PO-token configuration reader), and every client
name we emit must be one of the pinned release's ``INNERTUBE_CLIENTS``.
"""

from __future__ import annotations

import pytest

from ytsession.youtube.innertube.potoken.ytdlp_args import YTDLP_CLIENT_NAMES, ytdlp_extractor_args

from tests._support.peers_support import require_yt_dlp, ytdlp_youtube_extractor


def test_every_yt_dlp_client_name_we_emit_exists_in_yt_dlp() -> None:
    require_yt_dlp()
    from yt_dlp.extractor.youtube._base import INNERTUBE_CLIENTS

    for client, name in YTDLP_CLIENT_NAMES.items():
        assert name in INNERTUBE_CLIENTS, f"yt-dlp has no client {name!r}"
        assert INNERTUBE_CLIENTS[name]["INNERTUBE_CONTEXT"]["client"]["clientName"] == client


def test_every_web_po_client_of_yt_dlp_that_it_can_run_has_our_name() -> None:
    """Each yt-dlp client whose clientName uses WebPO tokens is reachable from our table."""
    require_yt_dlp()
    from yt_dlp.extractor.youtube._base import INNERTUBE_CLIENTS
    from yt_dlp.extractor.youtube.pot.utils import WEBPO_CLIENTS

    names = {
        cfg["INNERTUBE_CONTEXT"]["client"]["clientName"]
        for key, cfg in INNERTUBE_CLIENTS.items()
        if not key.startswith("_")
    }
    assert {n for n in names if n in WEBPO_CLIENTS} == set(YTDLP_CLIENT_NAMES)


@pytest.mark.parametrize("client", sorted(YTDLP_CLIENT_NAMES))
@pytest.mark.slow
def test_each_clients_tokens_reach_that_client_in_yt_dlp(client: str) -> None:
    require_yt_dlp()
    from yt_dlp.extractor.youtube.pot.provider import PoTokenContext as YtdlpContext

    line = ytdlp_extractor_args(
        client=client, tokens={"gvs": "R1ZTLXRva2Vu", "player": "UExBWUVS"}, visitor_data="Cgt"
    )
    ie = ytdlp_youtube_extractor(line)
    name = YTDLP_CLIENT_NAMES[client]
    assert ie._configuration_arg("player_client") == [name]
    assert ie._get_config_po_token(name, YtdlpContext("gvs")) == "R1ZTLXRva2Vu"
    assert ie._get_config_po_token(name, YtdlpContext("player")) == "UExBWUVS"


def test_a_client_yt_dlp_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="yt-dlp has no client"):
        ytdlp_extractor_args(client="TVHTML5_SIMPLY_EMBEDDED_PLAYER", tokens={"gvs": "x"})
