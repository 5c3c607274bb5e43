"""File could not be parsed or decoded.

TL902 reports a Python file that tenantlint cannot read: its bytes are not
valid in the declared encoding (UTF-8 unless a coding line declares
another), or its text is not valid Python syntax. The finding names the
line where parsing failed.

Why it matters: a file that cannot be parsed is not checked at all. Without
this finding, a router with a syntax error, or one written in syntax that
the parser does not support, would silently drop out of the tenant
isolation check and out of the endpoint inventory.

Wrong:

```python
@router.get("/orders"
async def list_orders(tenant_id: str = Depends(get_current_tenant_id)):
    ...
```

Right:

```python
@router.get("/orders")
async def list_orders(tenant_id: str = Depends(get_current_tenant_id)):
    ...
```

Fix: none, and `fix` leaves the file untouched.

Suppress: a comment in the file cannot be relied on, because a file that
does not parse may not tokenize either. Add files that are not meant to
be Python, such as templates, to `exclude`, or disable the rule with
`--ignore TL902`.
"""

from __future__ import annotations

CODE = "TL902"
NAME = "unparsable-file"
SUMMARY = "file could not be parsed or decoded"


def describe(error: Exception, data: bytes = b"") -> tuple[int, int, str]:
    """Return (line, column, reason) for a decoding or parsing failure.

    libcst's own positions can be a line off, so a syntax error is described
    by CPython's compiler where it reports one for the same bytes.
    """
    import libcst as cst

    if isinstance(error, UnicodeDecodeError):
        source = error.object if isinstance(error.object, bytes) else data
        line = source.count(b"\n", 0, error.start) + 1
        column = error.start - (source.rfind(b"\n", 0, error.start) + 1) + 1
        byte = source[error.start : error.start + 1].hex()
        return line, column, f"byte 0x{byte} is not valid {error.encoding}"
    if b"\0" in data:
        nul = data.index(b"\0")
        return data.count(b"\n", 0, nul) + 1, nul - (data.rfind(b"\n", 0, nul) + 1) + 1, "it contains a NUL byte"
    if isinstance(error, cst.ParserSyntaxError):
        compiled = _compiler_error(data)
        if compiled is not None:
            return compiled
        return error.raw_line, error.raw_column + 1, f"invalid syntax ({error.message})"
    if isinstance(error, SyntaxError):
        return error.lineno or 1, error.offset or 1, error.msg
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return 1, 1, text


def _compiler_error(data: bytes) -> tuple[int, int, str] | None:
    import ast

    try:
        ast.parse(data)
    except SyntaxError as error:
        message = error.msg if "syntax" in error.msg else f"invalid syntax: {error.msg}"
        return error.lineno or 1, error.offset or 1, message
    except (ValueError, UnicodeDecodeError):
        return None
    return None
