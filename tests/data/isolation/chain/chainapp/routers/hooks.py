from fastapi import APIRouter, Depends

from ..deps import get_current_tenant_id


def build_hook_router() -> APIRouter:
    router = APIRouter(prefix="/hooks")

    @router.post("/deliveries")
    def receive_delivery(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
        return {"tenant": tenant_id}

    return router
