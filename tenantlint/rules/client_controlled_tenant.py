"""tenant identifier taken from the request instead of the authenticated dependency.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL102"
NAME = "client-controlled-tenant"
SUMMARY = "tenant identifier taken from the request instead of the authenticated dependency"
