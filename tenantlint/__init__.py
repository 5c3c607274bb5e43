"""Static analysis and codemods for tenant isolation in multi-tenant FastAPI services."""

__version__ = "0.1.0"
