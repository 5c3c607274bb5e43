from fastapi import APIRouter, Depends

from .deps import get_current_tenant_id

router = APIRouter()


@router.get("/{count:int}")
def top_metrics(count: int, tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id, "count": count}


@router.get("/cache")
def cache_metrics(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id}


@router.get("/{name}")
def named_metric(name: str, tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id, "name": name}


@router.get("/summary")
def metrics_summary(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id}


@router.get("/latency")  # tenantlint: ignore[TL402] served by named_metric on purpose until clients migrate
def latency_metrics(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id}


@router.post("/summary")
def rebuild_summary(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id}
