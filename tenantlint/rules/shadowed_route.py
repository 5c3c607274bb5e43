"""endpoint shadowed by an earlier route whose path parameters capture its path.

NOTE: the full explanation is written with the rule's implementation.
"""

from __future__ import annotations

CODE = "TL402"
NAME = "shadowed-route"
SUMMARY = "endpoint shadowed by an earlier route whose path parameters capture its path"
