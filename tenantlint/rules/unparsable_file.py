"""file could not be parsed or decoded.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL902"
NAME = "unparsable-file"
SUMMARY = "file could not be parsed or decoded"
