from fastapi import APIRouter, Depends, FastAPI

from .api import api_router
from .deps import get_current_tenant_id
from .routers.hooks import build_hook_router

app = FastAPI()
app.include_router(api_router, prefix="/api")
app.include_router(build_hook_router())

late = APIRouter(prefix="/late")
app.include_router(late)


@late.get("/ping")
def late_ping(tenant_id: str = Depends(get_current_tenant_id)) -> dict:
    return {"tenant": tenant_id}
