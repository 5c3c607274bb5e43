"""endpoint in scope lacks the tenant dependency parameter.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL101"
NAME = "missing-dependency"
SUMMARY = "endpoint in scope lacks the tenant dependency parameter"
