from fastapi import APIRouter, Depends

from ..deps import get_current_tenant_id
from ..routers import alerts, legacy

router = APIRouter(prefix="/v1")
router.include_router(alerts.router, prefix="/alerts", dependencies=[Depends(get_current_tenant_id)])
del legacy
