from fastapi import APIRouter, Depends

from .deps import get_current_tenant_id

router = APIRouter()


@router.get("/{item_id}")
def read_item(item_id: str, tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id, "item": item_id}


@router.get("/export")
def export_items(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id}


@router.get("/{item_id}/history")  # tenantlint: ignore[TL401] kept for the old mobile client
def item_history(item_id: str, tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id, "item": item_id}
