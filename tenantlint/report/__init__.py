"""`tenantlint report`: the endpoint inventory and its output formats."""
