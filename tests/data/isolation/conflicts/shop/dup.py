from fastapi import APIRouter, Depends

from .deps import get_current_tenant_id

router = APIRouter()


@router.get("/ping")
def ping(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id}
