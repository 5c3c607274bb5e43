import logging

from fastapi import APIRouter, Depends

from ..deps import get_current_tenant_id

logger = logging.getLogger(__name__)
router = APIRouter()
ALERTS = {"t-1": ["disk full"]}


@router.get("")
def list_alerts() -> list[str]:
    return sorted(alert for alerts in ALERTS.values() for alert in alerts)


@router.get("/health")
def health() -> dict:
    return {"status": "ok"}


@router.get("/{alert_id:int}")
def get_alert(alert_id: int, tenant_id: str = Depends(get_current_tenant_id)) -> str:
    logger.info("[Tenant: %s] reading alert %s", tenant_id, alert_id)
    return ALERTS[tenant_id][alert_id]
