from fastapi import Request


def get_current_tenant_id(request: Request) -> str:
    return request.state.tenant_id
