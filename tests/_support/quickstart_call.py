from ytsession import OAuthCredentials, OAuthEndpoints, RefreshingToken, Session
from ytsession.testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Emulator

with Emulator() as emu:
    emu.configure({"google": {"auto_approve": True, "poll_interval": 1}})
    login = OAuthEndpoints.under(emu.url)
    client = OAuthCredentials(EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, endpoints=login)
    token = RefreshingToken.prompt_for_token(client, to_file="oauth.json")
    with Session.create(auth=token, base_url=emu.url) as session:
        print(session.call("browse", {"browseId": "FEwhat_to_watch"})["responseContext"])
