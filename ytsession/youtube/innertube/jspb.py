"""Reading JSPB: Google's JSON form of a protobuf message, a list of field values.

Field ``N`` of a message is element ``N - 1`` of its list. Servers send the *sparse* form:
the list stops early and ends in an object that holds the later fields keyed by their
1-based number as text (``{"62": ..., "104": ...}``) instead of padding the list with
``null``. A reader that only indexes the list silently gets nothing for those fields.
:class:`Jspb` reads a field wherever the message keeps it; it never raises on the shape of
what it is given (anything that is not a list reads as an empty message).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Jspb"]


@dataclass(frozen=True)
class Jspb:
    """One JSPB message, dense or sparse.

    :ivar values: the message's list as decoded from JSON; anything else is read as an
        empty message.
    """

    values: Any

    def field(self, number: int) -> Any:
        """Field ``number`` (1-based): element ``number - 1`` of the list, else the trailing
        object's key ``str(number)``.

        :return: the value, or ``None`` when the message does not hold it.
        """
        values = self.values
        if not isinstance(values, list) or number < 1:
            return None
        tail = values[-1] if values and isinstance(values[-1], Mapping) else None
        listed = len(values) - (tail is not None)
        if number <= listed and values[number - 1] is not None:
            return values[number - 1]
        return tail.get(str(number)) if tail is not None else None

    def text(self, number: int) -> str:
        """:return: field ``number`` when it is a string, else ``""``."""
        value = self.field(number)
        return value if isinstance(value, str) else ""

    def message(self, number: int) -> Jspb:
        """:return: field ``number`` as a message (empty when absent or not a list)."""
        return Jspb(self.field(number))

    def repeated(self, number: int) -> list[Any]:
        """:return: the values of a repeated field ``number`` (``[]`` when absent)."""
        value = self.field(number)
        return value if isinstance(value, list) else []
