"""The emulated services, one module each, built on :mod:`ytsession.testing.kit`:

- :mod:`~ytsession.testing.services.google`: Google's OAuth device flow, userinfo and the
  YouTube TV page and script (with ``google_model`` and ``google_web``);
- :mod:`~ytsession.testing.services.innertube`: ``/sw.js_data``, the embed page, the
  player script and ``/youtubei/v1/...`` (answer shapes in ``innertube_shapes``; the
  signed-in browser's cookies in :mod:`~ytsession.testing.services.cookies`);
- :mod:`~ytsession.testing.services.peertube`: a PeerTube instance's session API (its
  accounts and two-factor codes in ``peertube_accounts``);
- :mod:`~ytsession.testing.services.botguard`: a stand-in BotGuard attestation service.

:class:`ytsession.testing.Emulator` assembles them.
"""
