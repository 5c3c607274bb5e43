"""TL301 cases: every `leaks_*` endpoint is reported, every other one is not."""

import logging

import structlog
from fastapi import APIRouter, Depends
from fastapi_utils.cbv import cbv

from app.db import get_tenant_session
from app.deps import get_current_tenant_id, get_current_user
from app.repos import alert_repo, orders, scoped_repo

logger = logging.getLogger(__name__)
events = structlog.get_logger()
router = APIRouter()
CACHE = {}


@router.get("/a")
def leaks_logs_only(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing alerts")
    return alert_repo.list_alerts()


@router.get("/b")
def leaks_unused(tenant_id: str = Depends(get_current_tenant_id)):
    return orders.all()


@router.get("/c")
def leaks_through_log_arguments(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info("[Tenant: %s] %s", tenant_id, str(tenant_id).upper())
    events.bind(tenant_id=tenant_id).info("listed")
    return orders.recent(limit=10)


@router.get("/d")
def passes_as_argument(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing alerts")
    return alert_repo.list_alerts(tenant_id)


@router.get("/e")
def passes_through_dict_and_kwargs(tenant_id: str = Depends(get_current_tenant_id)):
    scope = {"tenant_id": tenant_id}
    filters = dict(scope)
    return alert_repo.list_alerts(**filters)


@router.get("/f")
def passes_through_fstring_name(tenant_id: str = Depends(get_current_tenant_id)):
    key = f"alerts:{tenant_id}"
    cache_key = key
    return CACHE.get(cache_key)


@router.get("/g")
def passes_by_return(tenant_id: str = Depends(get_current_tenant_id)):
    return {"tenant": tenant_id}


@router.get("/h")
def passes_by_comparison(tenant_id: str = Depends(get_current_tenant_id)):
    rows = orders.all()
    return [row for row in rows if row.tenant_id == tenant_id]


@router.get("/i")
def passes_by_store(tenant_id: str = Depends(get_current_tenant_id)):
    request_state = orders.state()
    request_state.tenant_id = tenant_id
    return orders.recent(limit=1)


@router.get("/i2")
def passes_by_yield(tenant_id: str = Depends(get_current_tenant_id)):
    yield from orders.stream()
    yield tenant_id


@router.get("/j")
def passes_by_subscript(tenant_id: str = Depends(get_current_tenant_id)):
    return CACHE[tenant_id]


@router.get("/k")
def scoped_by_session(
    tenant_id: str = Depends(get_current_tenant_id),
    session=Depends(get_tenant_session),
):
    logger.info(f"[Tenant: {tenant_id}] listing")
    return session.query("alerts").all()


@router.get("/l")
def scoped_by_last_component(tenant_id: str = Depends(get_current_tenant_id), repo=Depends(scoped_repo)):
    return repo.list_alerts()


@router.get("/m")
def stub_body(tenant_id: str = Depends(get_current_tenant_id)):
    ...


@router.get("/n")
def without_tenant():
    logger.info("no tenant here")
    return orders.all()


@router.get("/o")
def passes_through_walrus(tenant_id: str = Depends(get_current_tenant_id)):
    if (owner := tenant_id.strip()) != "":
        return owner
    return None


@router.get("/p")
def leaks_shadow_attribute(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] exporting")
    return orders.export(tenant_id="all")


@router.get("/q")
def passes_provider_object(user=Depends(get_current_user)):
    return orders.for_user(user)


@router.get("/q2")
def leaks_provider_attribute(user=Depends(get_current_user)):
    logger.info(f"[Tenant: {user.tenant_id}] listing")
    return orders.all()


@cbv(router)
class AlertViews:
    tenant_id: str = Depends(get_current_tenant_id)

    @router.get("/r")
    def leaks_in_class_view(self):
        logger.info(f"[Tenant: {self.tenant_id}] listing")
        return alert_repo.list_alerts()

    @router.get("/s")
    def passes_in_class_view(self):
        return alert_repo.list_alerts(tenant_id=self.tenant_id)
