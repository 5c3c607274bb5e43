"""two endpoints serve the same method and full path.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL401"
NAME = "duplicate-route"
SUMMARY = "two endpoints serve the same method and full path"
