from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from .deps import get_current_tenant_id
from .v2 import api as v2_api

app = FastAPI(dependencies=[Depends(get_current_tenant_id)])
app.mount("/v2", v2_api)
app.mount("/static", StaticFiles(directory="."), name="static")


@app.get("/ping")
def ping():
    return {}
