"""Providers and the chain: order, fallback, the per-binding cache, TTLs, static tokens."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from ytsession import PoTokenError
from ytsession.errors import NodeMissingError, PoTokenBindingError
from ytsession.youtube.innertube.potoken import (
    BindingKind,
    BotGuardProvider,
    ColdStartProvider,
    ContentBinding,
    PoToken,
    PoTokenProvider,
    PoTokenRequest,
    ProviderChain,
    StaticProvider,
    add_pot_to_caption_url,
    add_pot_to_stream_url,
    decode_cold_start_token,
    encode_cold_start_token,
)
from ytsession.youtube.innertube.visitor import encode_visitor_data

VISITOR_DATA = encode_visitor_data("Vis1tor_Id-", 1750000000)
VIDEO = "dQw4w9WgXcQ"
GVS = PoTokenRequest(context="gvs", visitor_data=VISITOR_DATA)
PLAYER = PoTokenRequest(context="player", visitor_data=VISITOR_DATA, video_id=VIDEO)


class Clock:
    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Counting(PoTokenProvider):
    """Hands out numbered tokens and remembers what it was asked."""

    name = "counting"

    def __init__(self, clock: Clock, *, ttl: float | None = None, decline: bool = False):
        self.clock = clock
        self.ttl = ttl
        self.decline = decline
        self.asked: list[ContentBinding] = []

    def get_token(self, request: PoTokenRequest, binding: ContentBinding) -> PoToken | None:
        self.asked.append(binding)
        if self.decline:
            return None
        now = self.clock()
        return PoToken(
            token=f"minted-{len(self.asked)}",
            binding=binding,
            provider=self.name,
            minted_at=now,
            expires_at=None if self.ttl is None else now + self.ttl,
        )


class Failing(PoTokenProvider):
    name = "failing"

    def get_token(self, request: PoTokenRequest, binding: ContentBinding) -> PoToken | None:
        raise PoTokenError("the failing provider failed")


def test_chain_asks_providers_in_order_and_stops_at_the_first_token() -> None:
    clock = Clock()
    first, second = Counting(clock, decline=True), Counting(clock)
    third = Counting(clock)
    token = ProviderChain([first, second, third], clock=clock).get(GVS)
    assert token is not None and token.token == "minted-1"
    assert len(first.asked) == 1 and len(second.asked) == 1 and third.asked == []


def test_a_failing_provider_falls_back_to_the_next() -> None:
    chain = ProviderChain([Failing(), ColdStartProvider()])
    token = chain.get(GVS)
    assert token is not None and token.provider == "coldstart" and token.placeholder


def test_missing_node_falls_back_to_cold_start(caplog: pytest.LogCaptureFixture) -> None:
    botguard = BotGuardProvider(node="/nonexistent/node-for-ytsession-tests")
    chain = ProviderChain([botguard, ColdStartProvider()])
    with caplog.at_level(logging.WARNING, logger="ytsession.potoken"):
        token = chain.get(GVS)
    assert token is not None and token.provider == "coldstart"
    assert "Node.js" in caplog.text and token.token not in caplog.text


def test_the_only_provider_failing_raises_its_error() -> None:
    chain = ProviderChain([BotGuardProvider(node="/nonexistent/node-for-ytsession-tests")])
    with pytest.raises(NodeMissingError, match=r"install_node_packages\(\)") as missing:
        chain.get(GVS)
    assert missing.value.cli_message().endswith("then run `ytsession botguard-setup`")


def test_every_provider_declining_gives_none_or_a_clear_error() -> None:
    chain = ProviderChain([Counting(Clock(), decline=True)])
    assert chain.get(GVS) is None
    with pytest.raises(PoTokenError, match=r"every provider declined \(tried: counting\)") as no:
        chain.require(GVS)
    assert "install_node_packages()" in str(no.value) and "botguard-setup" not in str(no.value)
    assert "`ytsession botguard-setup`" in no.value.cli_message()


def test_clients_without_po_tokens_ask_no_provider() -> None:
    provider = Counting(Clock())
    chain = ProviderChain([provider])
    assert chain.get(PoTokenRequest(context="player", client="ANDROID_VR", video_id=VIDEO)) is None
    assert provider.asked == []


def test_a_request_missing_its_binding_id_is_an_error() -> None:
    with pytest.raises(PoTokenBindingError, match="video id"):
        ProviderChain([ColdStartProvider()]).get(PoTokenRequest(context="player"))


def test_cache_hit_per_binding() -> None:
    clock = Clock()
    provider = Counting(clock)
    chain = ProviderChain([provider], clock=clock)
    first = chain.get(GVS)
    again = chain.get(PoTokenRequest(context="gvs", client="MWEB", visitor_data=VISITOR_DATA))
    assert first == again and len(provider.asked) == 1
    video_token = chain.get(PLAYER)
    assert video_token is not None and video_token.token == "minted-2"
    assert chain.get(PoTokenRequest(context="subs", video_id=VIDEO)) == video_token
    assert [b.kind for b in provider.asked] == [BindingKind.VISITOR_DATA, BindingKind.VIDEO_ID]


def test_default_ttl_is_six_hours_and_expired_tokens_are_minted_again() -> None:
    clock = Clock()
    provider = Counting(clock)
    chain = ProviderChain([provider], clock=clock)
    token = chain.get(GVS)
    assert token is not None and token.expires_at == clock.now + 6 * 3600
    clock.now += 6 * 3600 - 301  # still outside the refresh margin
    assert chain.get(GVS) == token
    clock.now += 2  # inside the 300 s margin: replaced
    renewed = chain.get(GVS)
    assert renewed is not None and renewed.token == "minted-2"


def test_a_provider_expiry_overrides_the_chain_ttl() -> None:
    clock = Clock()
    chain = ProviderChain([Counting(clock, ttl=600)], clock=clock, refresh_margin=0)
    token = chain.get(GVS)
    assert token is not None and token.expires_at == clock.now + 600
    clock.now += 600
    assert chain.get(GVS) != token


def test_an_expired_static_token_is_not_served_and_the_chain_falls_through() -> None:
    clock = Clock()
    static = StaticProvider("pasted", expires_at=clock.now + 60, clock=clock)
    chain = ProviderChain([static, ColdStartProvider(clock=clock)], clock=clock, refresh_margin=0)
    token = chain.get(GVS)
    assert token is not None and token.provider == "static"
    clock.now += 61
    assert static.get_token(GVS, token.binding) is None
    fallback = chain.get(GVS)
    assert fallback is not None and fallback.provider == "coldstart"


def test_a_provider_handing_out_an_expired_token_is_passed_over(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    stale, fresh = Counting(clock, ttl=-1), Counting(clock)
    with caplog.at_level(logging.WARNING, logger="ytsession.potoken"):
        token = ProviderChain([stale, fresh], clock=clock).get(GVS)
    assert token is not None and fresh.asked and not token.expired(clock.now)
    assert "already expired" in caplog.text


def test_chain_ttl_is_configurable() -> None:
    clock = Clock()
    token = ProviderChain([Counting(clock)], ttl=60, clock=clock).get(GVS)
    assert token is not None and token.expires_at == clock.now + 60


def test_forget_drops_a_refused_token() -> None:
    clock = Clock()
    provider = Counting(clock)
    chain = ProviderChain([provider], clock=clock)
    token = chain.get(GVS)
    assert token is not None
    chain.forget(token.binding)
    assert chain.cached(GVS) is None
    assert chain.get(GVS) != token


def test_cache_file_keeps_tokens_across_processes(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "cache" / "potokens.json"
    first = ProviderChain([Counting(clock)], cache_file=path, clock=clock)
    token = first.get(GVS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["format"] == "ytsession.po-tokens" and len(data["tokens"]) == 1

    other_provider = Counting(clock)
    second = ProviderChain([other_provider], cache_file=path, clock=clock)
    assert second.get(GVS) == token and other_provider.asked == []

    clock.now += 7 * 3600  # expired: minted again and the file rewritten
    third = ProviderChain([Counting(clock)], cache_file=path, clock=clock)
    renewed = third.get(GVS)
    assert renewed is not None and renewed != token
    assert [t["token"] for t in json.loads(path.read_text())["tokens"]] == [renewed.token]


def test_cache_file_merges_what_another_process_stored(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "potokens.json"
    one = ProviderChain([Counting(clock)], cache_file=path, clock=clock)
    two = ProviderChain([Counting(clock)], cache_file=path, clock=clock)
    one.get(GVS)
    two.get(PLAYER)
    assert len(json.loads(path.read_text())["tokens"]) == 2


@pytest.mark.parametrize("content", ["", "{not json", "[]", '{"format": "other"}'])
def test_a_corrupt_cache_file_is_an_empty_cache(tmp_path: Path, content: str) -> None:
    path = tmp_path / "potokens.json"
    path.write_text(content)
    token = ProviderChain([ColdStartProvider()], cache_file=path).get(GVS)
    assert token is not None
    assert json.loads(path.read_text())["tokens"][0]["token"] == token.token


def test_a_cache_file_that_cannot_be_written_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    path = blocker / "potokens.json"  # its directory is a file: no read, no write
    chain = ProviderChain([ColdStartProvider()], cache_file=path)
    with caplog.at_level(logging.WARNING, logger="ytsession"):
        token = chain.get(GVS)
    assert token is not None and chain.get(GVS) == token
    assert chain.cache_location == str(path)
    assert any("could not write the PO token cache" in r.getMessage() for r in caplog.records)


def test_static_token_with_a_stated_binding_only_serves_that_binding() -> None:
    chain = ProviderChain([StaticProvider("pasted-token", binding=VISITOR_DATA)])
    token = chain.get(GVS)
    assert token is not None and token.token == "pasted-token" and token.provider == "static"
    assert chain.get(PLAYER) is None  # bound to the video: the pasted token does not fit


def test_static_binding_matches_percent_encoded_or_not() -> None:
    decoded = VISITOR_DATA.replace("%3D", "=")
    assert ProviderChain([StaticProvider("t", binding=decoded)]).get(GVS) is not None


def test_static_cold_start_token_is_checked_against_its_own_binding() -> None:
    pasted = encode_cold_start_token(VIDEO)
    provider = StaticProvider(pasted)
    assert provider.binding == VIDEO
    chain = ProviderChain([provider])
    assert chain.get(GVS) is None
    token = chain.get(PLAYER)
    assert token is not None and token.placeholder and token.token == pasted


def test_static_cold_start_token_contradicting_its_binding_is_refused() -> None:
    with pytest.raises(PoTokenBindingError, match="bound to another id"):
        StaticProvider(encode_cold_start_token(VIDEO), binding=VISITOR_DATA)


def test_static_token_limited_to_contexts() -> None:
    chain = ProviderChain([StaticProvider("opaque", contexts=["gvs"])])
    assert chain.get(GVS) is not None
    assert chain.get(PLAYER) is None


def test_an_opaque_static_token_without_binding_is_handed_out() -> None:
    assert ProviderChain([StaticProvider("opaque")]).get(PLAYER) is not None


def test_cold_start_provider_binds_and_declines_too_long_bindings() -> None:
    clock = Clock()
    provider = ColdStartProvider(clock=clock, random_bytes=lambda n: b"\x01\x02")
    token = ProviderChain([provider], clock=clock).get(GVS)
    assert token is not None
    decoded = decode_cold_start_token(token.token)
    assert decoded.binding == VISITOR_DATA and decoded.timestamp == int(clock.now)
    long_request = PoTokenRequest(context="gvs", visitor_data="v" * 119)
    assert ProviderChain([provider]).get(long_request) is None


def test_tokens_stay_out_of_reprs() -> None:
    token = ProviderChain([StaticProvider("secret-token-value")]).get(GVS)
    assert token is not None
    assert "secret-token-value" not in repr(token)
    assert "secret-token-value" not in repr(StaticProvider("secret-token-value"))


def test_stream_url_gets_pot() -> None:
    url = "https://rr1.googlevideo.com/videoplayback?expire=1&itag=18&pot=old"
    assert add_pot_to_stream_url(url, "a-b_c=") == (
        "https://rr1.googlevideo.com/videoplayback?expire=1&itag=18&pot=a-b_c%3D"
    )


def test_caption_url_gets_pot_potc_and_client() -> None:
    token = PoToken(token="tok", binding=ContentBinding(VIDEO, BindingKind.VIDEO_ID), provider="x")
    url = "https://www.youtube.com/api/timedtext?v=dQw4w9WgXcQ&lang=en"
    assert add_pot_to_caption_url(url, token, "WEB") == (
        "https://www.youtube.com/api/timedtext?v=dQw4w9WgXcQ&lang=en&pot=tok&potc=1&c=WEB"
    )


def test_url_helpers_refuse_empty_values() -> None:
    with pytest.raises(ValueError, match="empty"):
        add_pot_to_stream_url("https://x/videoplayback", "")
    with pytest.raises(ValueError, match="client name"):
        add_pot_to_caption_url("https://x/api/timedtext", "tok", "")
