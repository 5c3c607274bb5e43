"""What a rule sees of one file: its model, the configuration and each endpoint's scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from tenantlint.config import Config
from tenantlint.findings import ERROR, WARNING, Finding
from tenantlint.model import Endpoint, ModuleModel
from tenantlint.scope import Classification, EndpointRef, classify


@dataclass
class FileContext:
    """One file's model plus everything rules need to turn facts into findings."""

    model: ModuleModel
    config: Config
    display_path: str
    full_routes: dict[int, str | None] = field(default_factory=dict)
    _classes: dict[int, Classification] = field(default_factory=dict)

    def endpoint_ref(self, endpoint: Endpoint) -> EndpointRef:
        return EndpointRef(
            path=self.model.path.resolve(),
            function=endpoint.qualname,
            methods=endpoint.methods,
            route=endpoint.routes[0].path if endpoint.routes else None,
            full_route=self.full_routes.get(id(endpoint)),
        )

    def classification(self, endpoint: Endpoint) -> Classification:
        key = id(endpoint)
        if key not in self._classes:
            self._classes[key] = classify(self.config, self.endpoint_ref(endpoint))
        return self._classes[key]

    def in_scope(self) -> Iterator[Endpoint]:
        """Yield the endpoints that are in scope and not exempt."""
        for endpoint in self.model.endpoints:
            classification = self.classification(endpoint)
            if classification.in_scope and classification.exempt_reason is None:
                yield endpoint

    def finding(self, code: str, endpoint: Endpoint | None, line: int, column: int, message: str, **extra: Any) -> Finding:
        """Build a finding with the endpoint's route, priority and severity filled in."""
        if endpoint is None:
            return Finding(code, self.display_path, line, column, message, severity=ERROR, extra=extra)
        classification = self.classification(endpoint)
        extra.setdefault("endpoint", endpoint)
        extra["endpoint_lines"] = endpoint.endpoint_lines
        return Finding(
            code,
            self.display_path,
            line,
            column,
            message,
            function=endpoint.qualname,
            route=endpoint.route_label,
            priority=classification.priority,
            severity=ERROR if classification.enforced else WARNING,
            full_route=self.full_routes.get(id(endpoint)),
            extra=extra,
        )
