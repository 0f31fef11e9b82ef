"""The BotGuard provider end to end: Node.js runs the emulator's stand-in challenge.

Node.js fetches the challenge from the emulator, runs its interpreter in a jsdom window
through bgutils-js, trades the answer for an integrity token and mints tokens that the
emulator verifies. Nothing leaves the loopback interface.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ytsession.errors import BotGuardError
from ytsession.testing import Emulator
from ytsession.youtube.innertube.potoken import BotGuardProvider, PoTokenRequest, ProviderChain
from ytsession.youtube.innertube.visitor import encode_visitor_data

from tests._support.botguard_support import require_botguard_runtime

VISITOR_DATA = encode_visitor_data("Vis1tor_Id-", 1750000000)
VIDEO = "dQw4w9WgXcQ"
CREATE = "/api/jnn/v1/Create"
GENERATE_IT = "/api/jnn/v1/GenerateIT"


@pytest.fixture(autouse=True)
def _node() -> None:
    require_botguard_runtime()


def paths(emu: Emulator) -> list[str]:
    return [entry.path for entry in emu.log]


@pytest.mark.slow
def test_cron_job_mints_a_session_token_the_server_accepts(emu: Emulator) -> None:
    chain = ProviderChain([BotGuardProvider(base_url=emu.url, timeout=30)])
    token = chain.get(PoTokenRequest(context="gvs", visitor_data=VISITOR_DATA))
    assert token is not None and token.provider == "botguard" and not token.placeholder
    verified = emu.botguard.verify(token.token)
    assert (verified.kind, verified.binding) == ("botguard", VISITOR_DATA)
    assert paths(emu) == [CREATE, GENERATE_IT]
    create = emu.requests_to(CREATE)[0]
    assert create.header("x-goog-api-key") and create.header("content-type", "").startswith(
        "application/json+protobuf"
    )
    # The next call for the same binding comes from the cache: Node does not run again.
    assert (
        chain.get(PoTokenRequest(context="gvs", client="MWEB", visitor_data=VISITOR_DATA)) == token
    )
    assert emu.botguard.challenges_issued == 1


@pytest.mark.slow
def test_one_run_mints_the_session_and_the_video_token(emu: Emulator) -> None:
    result = BotGuardProvider(base_url=emu.url).mint([VISITOR_DATA, VIDEO])
    assert {emu.botguard.verify(t).binding for t in result.tokens.values()} == {VISITOR_DATA, VIDEO}
    assert result.integrity_token_ttl == emu.botguard.integrity_token_ttl
    assert result.versions is not None and result.versions["bgutils-js"]
    assert emu.botguard.integrity_tokens_issued == 1


@pytest.mark.slow
def test_scrambled_challenge_with_the_script_behind_a_url(emu: Emulator) -> None:
    emu.botguard.configure({"scramble_challenge": True, "inline_interpreter": False})
    token = BotGuardProvider(base_url=emu.url).mint([VIDEO]).tokens[VIDEO]
    assert emu.botguard.verify(token).binding == VIDEO
    assert paths(emu) == [CREATE, "/js/th/ytsession-emulator-botguard.js", GENERATE_IT]


@pytest.mark.slow
def test_googles_own_attestation_host_path(emu: Emulator) -> None:
    provider = BotGuardProvider(base_url=emu.url, use_youtube_api=False)
    token = provider.mint([VIDEO]).tokens[VIDEO]
    assert emu.botguard.verify(token).binding == VIDEO
    assert paths(emu) == [
        "/$rpc/google.internal.waa.v1.Waa/Create",
        "/$rpc/google.internal.waa.v1.Waa/GenerateIT",
    ]


@pytest.mark.slow
def test_a_short_lived_integrity_token_shortens_the_token_life(emu: Emulator) -> None:
    emu.botguard.configure({"integrity_token_ttl": 900, "mint_refresh_threshold": 300})
    token = ProviderChain([BotGuardProvider(base_url=emu.url)]).get(
        PoTokenRequest(context="player", video_id=VIDEO)
    )
    assert token is not None and token.expires_at == pytest.approx(token.minted_at + 600)


@pytest.mark.slow
def test_refused_challenge_is_a_botguard_error(emu: Emulator) -> None:
    provider = BotGuardProvider(base_url=emu.url, request_key="not-the-key")
    with pytest.raises(BotGuardError, match="challenge") as caught:
        provider.mint([VIDEO])
    assert caught.value.code == "challenge"


@pytest.mark.slow
def test_failing_integrity_endpoint_is_a_botguard_error(emu: Emulator) -> None:
    emu.inject_error(GENERATE_IT, 403, {"error": {"code": 403, "status": "PERMISSION_DENIED"}})
    with pytest.raises(BotGuardError, match="GenerateIT answered HTTP 403") as caught:
        BotGuardProvider(base_url=emu.url).mint([VIDEO])
    assert caught.value.code == "integrity"


@pytest.mark.slow
def test_a_hanging_server_ends_in_a_timeout(emu: Emulator) -> None:
    emu.inject_delay(CREATE, 10)
    with pytest.raises(BotGuardError, match="raise the timeout") as caught:
        BotGuardProvider(base_url=emu.url, timeout=2).mint([VIDEO])
    assert caught.value.code == "timeout"


def test_missing_packages_say_to_run_setup(tmp_path: Path) -> None:
    with pytest.raises(BotGuardError, match="install_node_packages") as caught:
        BotGuardProvider(node_dir=tmp_path / "empty").mint([VIDEO])
    assert caught.value.code == "not_installed"
    assert "ytsession botguard-setup" not in str(caught.value)
    assert caught.value.cli_message().endswith("; run `ytsession botguard-setup`")
