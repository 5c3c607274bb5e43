"""tenant dependency referenced but never imported or defined in the module.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL104"
NAME = "dependency-not-imported"
SUMMARY = "tenant dependency referenced but never imported or defined in the module"
