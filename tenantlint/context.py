"""The view of one file that rules read: its model, the configuration and each endpoint's scope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tenantlint.config import Config
from tenantlint.findings import ERROR, WARNING, Finding
from tenantlint.model import Endpoint, ModuleModel
from tenantlint.scope import Classification, EndpointRef, classify
from tenantlint.summary import endpoint_keys

if TYPE_CHECKING:
    from tenantlint.project import EndpointFacts, FileFacts

# The route facts of the file being checked. `api.check_file` and
# `api.fix_file` set it around their work, so that every FileContext they
# create, directly or through helpers, classifies endpoints by full route.
ACTIVE_ROUTE_FACTS: ContextVar[FileFacts | None] = ContextVar("tenantlint_route_facts", default=None)


@contextmanager
def route_facts(facts: FileFacts | None) -> Iterator[None]:
    """Make FACTS the route facts of every FileContext created inside the block."""
    token = ACTIVE_ROUTE_FACTS.set(facts)
    try:
        yield
    finally:
        ACTIVE_ROUTE_FACTS.reset(token)


@dataclass
class FileContext:
    """One file's model plus everything rules need to turn facts into findings."""

    model: ModuleModel
    config: Config
    display_path: str
    full_routes: dict[int, str | None] = field(default_factory=dict)
    routes: FileFacts | None = None
    _classes: dict[int, Classification] = field(default_factory=dict)
    _facts: dict[int, EndpointFacts] = field(default_factory=dict)
    _keys: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._keys = endpoint_keys(self.model.endpoints)
        if self.routes is None:
            self.routes = ACTIVE_ROUTE_FACTS.get()
        if self.routes is None:
            return
        keys = self._keys
        for endpoint in self.model.endpoints:
            facts = self.routes.endpoints.get(keys[id(endpoint)])
            if facts is not None:
                self._facts[id(endpoint)] = facts
                self.full_routes.setdefault(id(endpoint), facts.full_route)

    def route_facts(self, endpoint: Endpoint) -> EndpointFacts | None:
        """Return the route table's facts about ENDPOINT, or None without a table."""
        return self._facts.get(id(endpoint))

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
        extra["endpoint_key"] = self._keys.get(id(endpoint))
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
