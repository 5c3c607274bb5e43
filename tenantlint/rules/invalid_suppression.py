"""suppression comment without a reason, or one that suppresses nothing.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL903"
NAME = "invalid-suppression"
SUMMARY = "suppression comment without a reason, or one that suppresses nothing"
