from fastapi import APIRouter, Depends

from .deps import get_current_tenant_id

router = APIRouter()


@router.get("/{id}")
def read_item_v2(id: str, tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id, "item": id}


@router.post("/{id}")
def update_item(id: str, tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id, "item": id}
