"""scope entry in the configuration matches no endpoint.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL901"
NAME = "stale-scope-entry"
SUMMARY = "scope entry in the configuration matches no endpoint"
