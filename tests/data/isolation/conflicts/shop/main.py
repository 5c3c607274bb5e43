from fastapi import FastAPI

from . import dup, files, items, items_v2, metrics

app = FastAPI()
app.include_router(items.router, prefix="/items")
app.include_router(items_v2.router, prefix="/items")
app.include_router(metrics.router, prefix="/metrics")
app.include_router(files.router, prefix="/files")
app.include_router(dup.router, prefix="/dup")
app.include_router(dup.router, prefix="/dup")
