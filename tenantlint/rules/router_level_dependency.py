"""tenant dependency only attached through dependencies=[...].

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL103"
NAME = "router-level-dependency"
SUMMARY = "tenant dependency only attached through dependencies=[...]"
