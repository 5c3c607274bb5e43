from .root import router as api_router

__all__ = ["api_router"]
