"""The ``peertube`` login kind: a PeerTube password login, registered with
:mod:`ytsession.store.kinds` (which imports nothing from this package)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import ProfileError
from ..store.kinds import LoginKind, register
from .models import KIND, SERVICE

if TYPE_CHECKING:
    from ..store.kinds import StoredProfile
    from ..store.settings import ProfileSettings
    from .credentials import PeerTubeCredentials

#: The kind's name in a profile's settings.
NAME = KIND


class PeerTubeKind(LoginKind):
    """A PeerTube instance's password login (OAuth password grant, rotating refresh
    tokens), refreshed against the instance's own OAuth client."""

    name = NAME
    service: ClassVar[str] = SERVICE
    credential: ClassVar[str] = "session"

    def credentials(self, settings: ProfileSettings) -> PeerTubeCredentials:
        from .credentials import PeerTubeCredentials

        return PeerTubeCredentials.from_settings(settings)

    def ask_account(
        self, profile: StoredProfile, settings: ProfileSettings, server: str | None
    ) -> str | None:
        from .session import PeerTubeSession

        with PeerTubeSession(self.refreshing_token(profile, settings)) as peertube:
            user = peertube.me()
        name = user.get("username")
        return str(name) if isinstance(name, str) and name else None

    def server(self, settings: ProfileSettings) -> str | None:
        return settings.endpoints.get("instance_url") or super().server(settings)

    def where_fields(self, settings: ProfileSettings, server: str | None) -> dict[str, Any]:
        return {"instance": settings.endpoints.get("instance_url", "")}

    def end_session(self, profile: StoredProfile, settings: ProfileSettings) -> bool:
        """End the profile's session at the instance (refreshing an expired access token
        first: PeerTube revokes by access token).

        :return: ``True`` when the instance ended it, ``False`` when it had ended already.
        """
        from .credentials import PeerTubeCredentials

        token = self.refreshing_token(profile, settings)
        credentials = token.credentials
        if not isinstance(credentials, PeerTubeCredentials):
            raise ProfileError(f"profile '{profile.name}' is not a PeerTube profile")
        return credentials.logout(token)

    def logout(self, profile: StoredProfile, settings: ProfileSettings) -> str:
        if self.end_session(profile, settings):
            return "Revoked the token at the server."
        return "The session had already ended at the server; nothing to revoke."


PEERTUBE = register(PeerTubeKind())
