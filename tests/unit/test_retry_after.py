"""One ``Retry-After`` rule: the transport's, also for a PeerTube error answer.

A number of seconds in ASCII digits, or an HTTP date; anything else (other scripts' digits,
fractions, ``inf``, a negative number) is unreadable, and a wait is capped at a year.
"""

from __future__ import annotations

import email.utils
import time

import pytest

from ytsession.peertube.errors import CONTEXT_API, PeerTubeRateLimitError, error_from_answer
from ytsession.transport import parse_retry_after
from ytsession.transport.policy import RETRY_AFTER_CEILING


def _in(seconds: float) -> str:
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        ("99999999999", RETRY_AFTER_CEILING),
        ("\u0663", None),  # ARABIC-INDIC DIGIT THREE: a digit to float(), not to HTTP
        ("1.5", None),
        ("inf", None),
        ("nan", None),
        ("-3", None),
        ("soon", None),
        ("", None),
    ],
)
def test_a_peertube_rate_limit_reads_retry_after_by_the_transport_rule(
    header: str, expected: float | None
) -> None:
    error = error_from_answer(
        429,
        {},
        context=CONTEXT_API,
        where="https://peertube.example",
        headers={"Retry-After": header},
    )
    assert isinstance(error, PeerTubeRateLimitError)
    assert error.retry_after == expected == parse_retry_after(header)
    assert "inf" not in str(error) and "nan" not in str(error)


def test_a_peertube_rate_limit_honours_an_http_date() -> None:
    error = error_from_answer(
        429,
        {},
        context=CONTEXT_API,
        where="https://peertube.example",
        headers={"Retry-After": _in(90)},
    )
    assert isinstance(error, PeerTubeRateLimitError)
    assert error.retry_after is not None and 80 < error.retry_after <= 90
    assert "try again in 8" in str(error) or "try again in 9" in str(error)
