from fastapi import APIRouter

router = APIRouter(prefix="/legacy")


@router.get("/alerts")
def list_legacy_alerts() -> list[str]:
    return []
