from fastapi import APIRouter, Depends

from .deps import get_current_tenant_id

router = APIRouter()


@router.get("/{file_path:path}")
def read_file(file_path: str, tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id, "path": file_path}


@router.get("/reports/latest")
def latest_report(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id}
