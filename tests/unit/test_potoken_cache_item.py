"""A provider chain keeps its tokens in a stored JSON object (a profile store's item) as it
does in a file: shared between chains, merged, forgotten, corrupt objects ignored."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ytsession.errors import YTSessionError
from ytsession.youtube.innertube.potoken import ColdStartProvider, PoTokenRequest, ProviderChain
from ytsession.youtube.innertube.potoken.cache import CACHE_FORMAT
from ytsession.youtube.innertube.visitor import encode_visitor_data

VISITOR_DATA = encode_visitor_data("Vis1tor_Id-", 1750000000)
VIDEO = "dQw4w9WgXcQ"


class Item:
    """A JSON object with an atomic update, the shape of a store's item."""

    def __init__(self) -> None:
        self.value: dict[str, Any] | None = None
        self.updates = 0
        self.broken = False
        self._lock = threading.Lock()

    def load(self) -> dict[str, Any] | None:
        if self.broken:
            raise YTSessionError("the store is unreachable")
        return self.value

    def update(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        if self.broken:
            raise YTSessionError("the store is unreachable")
        with self._lock:
            self.value = change(dict(self.value or {}))
            self.updates += 1
            return self.value

    def describe(self) -> str:
        return "item po-tokens of profile 'test'"


def test_chains_share_tokens_through_the_item() -> None:
    item = Item()
    first = ProviderChain([ColdStartProvider()], cache_item=item)
    session = first.get(PoTokenRequest(context="gvs", visitor_data=VISITOR_DATA))
    assert session is not None and item.value is not None
    assert item.value["format"] == CACHE_FORMAT and first.cache_location == item.describe()
    second = ProviderChain([ColdStartProvider()], cache_item=item)
    assert second.get(PoTokenRequest(context="gvs", visitor_data=VISITOR_DATA)) == session
    video = second.get(PoTokenRequest(context="player", video_id=VIDEO))
    assert video is not None
    # The first chain's next write keeps what the second one stored meanwhile.
    first.get(PoTokenRequest(context="subs", video_id="aaaaaaaaaaa"))
    assert len(item.value["tokens"]) == 3
    second.forget()
    assert item.value["tokens"] == []


def test_a_broken_or_foreign_item_is_an_empty_cache() -> None:
    item = Item()
    item.value = {"format": "something else", "tokens": "x"}
    chain = ProviderChain([ColdStartProvider()], cache_item=item)
    assert chain.get(PoTokenRequest(context="gvs", visitor_data=VISITOR_DATA)) is not None
    assert item.value["format"] == CACHE_FORMAT
    item.broken = True
    other = ProviderChain([ColdStartProvider()], cache_item=item)
    assert other.get(PoTokenRequest(context="gvs", visitor_data=VISITOR_DATA)) is not None
