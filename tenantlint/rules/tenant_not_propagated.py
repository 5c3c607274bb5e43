"""tenant identifier declared but never passed beyond log calls.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL301"
NAME = "tenant-not-propagated"
SUMMARY = "tenant identifier declared but never passed beyond log calls"
