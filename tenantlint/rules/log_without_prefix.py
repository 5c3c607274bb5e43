"""log call in an endpoint lacks the tenant prefix.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL201"
NAME = "log-without-prefix"
SUMMARY = "log call in an endpoint lacks the tenant prefix"
