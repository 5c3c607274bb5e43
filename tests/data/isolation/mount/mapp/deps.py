def get_current_tenant_id() -> str:
    return "t"
