"""log call carries a malformed or mismatched tenant prefix.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL202"
NAME = "malformed-prefix"
SUMMARY = "log call carries a malformed or mismatched tenant prefix"
