"""Tenant identifier declared but never passed beyond log calls.

TL301 reports an endpoint that takes the tenant parameter but uses it
only in log calls, or not at all. No query, service call or other
function receives it, so the data access is likely not scoped by tenant.
An endpoint that also takes a dependency listed in
`tenant-scoped-dependencies` passes, because such a dependency scopes the
data itself (a database session with row-level security, for example).

Why it matters: declaring the dependency proves that the request is
authenticated for a tenant. It does not stop the handler from reading
every tenant's rows. This rule catches the endpoint that looks compliant
in review and still leaks data across tenants.

Wrong:

```python
@router.get("/invoices")
async def list_invoices(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing invoices")
    return invoice_service.list_all()
```

Right:

```python
@router.get("/invoices")
async def list_invoices(tenant_id: str = Depends(get_current_tenant_id)):
    logger.info(f"[Tenant: {tenant_id}] listing invoices")
    return invoice_service.list_for_tenant(tenant_id)
```

Fix: none. Where the tenant filter belongs depends on the data layer,
which a codemod cannot see.

Suppress: `# tenantlint: ignore[TL301] reason` on the endpoint's `def`
line. The reason is required and should name what scopes the data, such
as a context variable that the data layer reads. When a dependency does
the scoping, list it in `tenant-scoped-dependencies` instead.
"""

from __future__ import annotations

import bisect
import dataclasses
import typing
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import libcst as cst

from tenantlint import bindings as b
from tenantlint.config import Config
from tenantlint.context import FileContext
from tenantlint.findings import Finding
from tenantlint.model import Endpoint, ModuleModel

CODE = "TL301"
NAME = "tenant-not-propagated"
SUMMARY = "tenant identifier declared but never passed beyond log calls"

# Receivers and methods that usually reach stored data. They only choose the
# example that the message names, so a miss costs a less specific message.
DATA_ACCESS_NAMES = frozenset({"db", "session", "repo", "repository", "store", "service", "dao", "crud", "cursor", "conn"})
DATA_ACCESS_SUFFIXES = ("_db", "_session", "_repo", "_repository", "_store", "_service", "_dao", "_crud")
DATA_ACCESS_METHODS = frozenset({"query", "execute", "filter", "filter_by", "scalars", "all"})
MAX_EXAMPLE_LENGTH = 60

PASSED, LOGS_ONLY, UNUSED, SCOPED = "passed", "logs-only", "unused", "scoped"


def check(ctx: FileContext) -> Iterator[Finding]:
    """Report in-scope endpoints whose tenant reaches nothing but log calls."""
    for endpoint in ctx.in_scope():
        status, facts = _analyse(endpoint, ctx.model, ctx.config)
        if status not in (LOGS_ONLY, UNUSED):
            continue
        assert endpoint.tenant is not None and facts is not None
        tenant = endpoint.tenant.expression
        param = endpoint.param(endpoint.tenant.parameter) if endpoint.tenant.parameter else None
        line, column = (param.line, param.column) if param is not None else (endpoint.line, endpoint.column)
        example = _first_data_access(endpoint, facts, ctx.model.positions)
        yield ctx.finding(CODE, endpoint, line, column, _message(endpoint, tenant, status, example))


def _message(endpoint: Endpoint, tenant: str, status: str, example: str | None) -> str:
    where = "reaches only log calls" if status == LOGS_ONLY else "is never used"
    if example is not None:
        advice = f"pass it to the data access (for example `{example}`) so the query is scoped by tenant"
    else:
        advice = "pass it to the data access so the query is scoped by tenant"
    return f"`{tenant}` {where} in `{endpoint.name}`; {advice}."


def propagation_status(endpoint: Endpoint, model: ModuleModel, config: Config) -> str | None:
    """Return how far the endpoint's tenant travels: PASSED, LOGS_ONLY, UNUSED or SCOPED.

    Returns None for an endpoint without a tenant, without a body here, or
    with a stub body.
    """
    return _analyse(endpoint, model, config)[0]


def _analyse(endpoint: Endpoint, model: ModuleModel, config: Config) -> tuple[str | None, BodyFacts | None]:
    """Return the propagation status and, when the body was walked, what the walk found."""
    if endpoint.tenant is None or endpoint.node is None or _is_stub(endpoint.node):
        return None, None
    if _takes_scoped_dependency(endpoint, model, config):
        return SCOPED, None
    facts = BodyFacts.collect(endpoint, model.bindings)
    propagated, logged = facts.tenant_flow(endpoint)
    if propagated:
        return PASSED, facts
    return (LOGS_ONLY if logged else UNUSED), facts


def _is_stub(node: cst.FunctionDef) -> bool:
    """Return whether the body contains only a docstring, `...` or `pass`, so there is no data access to scope."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else (node.body,)
    for line in body:
        if not isinstance(line, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            return False
        for statement in line.body:
            if isinstance(statement, cst.Pass):
                continue
            if isinstance(statement, cst.Expr) and isinstance(statement.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)):
                continue
            return False
    return True


def _takes_scoped_dependency(endpoint: Endpoint, model: ModuleModel, config: Config) -> bool:
    scoped = config.tenant_scoped_dependencies
    if not scoped:
        return False
    dependencies = [param.dependency for param in endpoint.params if param.dependency]
    if endpoint.class_name is not None:
        dependencies.extend(_class_dependencies(model, endpoint.class_name))
    return any(_matches(dependency, entry) for dependency in dependencies for entry in scoped)


def _matches(dependency: str, entry: str) -> bool:
    """Match a qualified dependency against a configured name, by full name or last component."""
    last = entry.rsplit(".", 1)[-1]
    return dependency == entry or dependency.endswith("." + entry) or dependency.rsplit(".", 1)[-1] == last


def _class_dependencies(model: ModuleModel, class_name: str) -> list[str]:
    """Return the dependencies that the class attributes of a class-based view declare."""
    bindings = model.bindings
    for statement in model.module.body:
        if not isinstance(statement, cst.ClassDef) or statement.name.value != class_name:
            continue
        found = []
        for line in statement.body.body:
            for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
                found.extend(_attribute_dependencies(small, bindings))
        return found
    return []


def _attribute_dependencies(statement: cst.BaseSmallStatement, bindings: b.Bindings) -> list[str]:
    values: list[cst.BaseExpression] = []
    if isinstance(statement, cst.AnnAssign):
        values.append(statement.annotation.annotation)
    if isinstance(statement, (cst.Assign, cst.AnnAssign)) and statement.value is not None:
        values.append(statement.value)
    found = []
    for value in values:
        target = b.depends_target(value, bindings)
        dependency = target[1] if target else b.annotated_dependency(value, bindings)
        if dependency:
            found.append(dependency)
    return found


# Tenant flow ----------------------------------------------------------------


@dataclass(frozen=True)
class BodyFacts:
    """Facts from one walk of an endpoint body: the names and dotted attributes that each part of it mentions.

    A mention is a `Name` or a dotted `Attribute` (`self.tenant_id`), except
    the attribute part of an `Attribute` and the keyword of an argument.
    Calls on loggers are "skipped": a use inside one does not carry the
    tenant anywhere, so mentions inside them count only for `log_mentions`.
    """

    # (bound names, mentions in the value) for every binding of plain
    # names: `=`, annotated and augmented assignment, `:=`, `for` and `with`.
    assignments: tuple[tuple[frozenset[str], frozenset[str]], ...]
    # Mentions in the uses that carry data: call arguments, returned and
    # yielded values, comparisons, subscripts and stores to attributes or
    # items, outside skipped calls.
    sink_mentions: frozenset[str]
    # Mentions anywhere inside log calls and other calls on loggers.
    log_mentions: frozenset[str]
    # Calls outside the endpoint's log calls that look like data access.
    data_access: tuple[cst.Call, ...]

    @classmethod
    def collect(cls, endpoint: Endpoint, bindings: b.Bindings) -> BodyFacts:
        assert endpoint.node is not None
        log_calls = {id(call.node): call.node for call in endpoint.log_calls}
        walker = _BodyWalker(bindings, frozenset(log_calls))
        walker.walk(endpoint.node.body, NOT_SKIPPED, False)
        log_mentions = set(walker.mentions_in_skipped_calls())
        for call_id, call in log_calls.items():
            # A log call outside the body still counts as logging the tenant.
            if call_id not in walker.spans:
                log_mentions.update(_all_mentions(call, bindings))
        return cls(
            assignments=tuple((targets, walker.mentions_in(value)) for targets, value in walker.assignments),
            sink_mentions=frozenset(name for sink in walker.sinks for name in walker.mentions_in(sink)),
            log_mentions=frozenset(log_mentions),
            data_access=tuple(walker.data_access),
        )

    def tenant_flow(self, endpoint: Endpoint) -> tuple[bool, bool]:
        """Return (propagated, logged) for the endpoint's tenant.

        The analysis ignores control flow: a name is tainted when any binding
        in the body binds it from a tainted value, transitively. Logging is
        judged by the tenant expression alone, before names bound from it.
        """
        tenant = endpoint.tenant
        assert tenant is not None
        # One set contains both tainted names and tainted dotted attributes,
        # because a name never contains a dot and a dotted attribute always does.
        if tenant.via == "provider" and tenant.parameter:
            tainted = {tenant.parameter}
        else:
            tainted = {tenant.expression}
        logged = not self.log_mentions.isdisjoint(tainted)
        changed = True
        while changed:
            changed = False
            for targets, mentions in self.assignments:
                if not targets <= tainted and not mentions.isdisjoint(tainted):
                    tainted |= targets
                    changed = True
        return not self.sink_mentions.isdisjoint(tainted), logged


# The preorder index of the innermost skipped call around a node, or this
# value when there is none.
NOT_SKIPPED = -1

# Result of a hook: the children to walk, then the skip index and the
# in-log-call flag for them.
_HookResult = tuple[Iterable[cst.CSTNode], int, bool]


class _BodyWalker:
    """One preorder pass over a syntax tree that records what `BodyFacts` needs.

    Each node gets a preorder index, so the nodes of a subtree are the
    indexes from its own up to the end of its span. Mentions are kept in
    index order with the index of the innermost skipped call around them,
    so that the mentions of any recorded subtree, outside the skipped calls
    inside it, are a slice of that list.
    """

    def __init__(self, bindings: b.Bindings, log_calls: frozenset[int]) -> None:
        self.bindings = bindings
        self.log_calls = log_calls
        self.count = 0
        self.mention_indexes: list[int] = []
        self.mention_skips: list[int] = []
        self.mention_names: list[str] = []
        self.wanted: set[int] = set()
        self.spans: dict[int, tuple[int, int]] = {}
        self.skipped_calls: list[cst.Call] = []
        self.assignments: list[tuple[frozenset[str], cst.CSTNode]] = []
        self.sinks: list[cst.CSTNode] = []
        self.data_access: list[cst.Call] = []

    def walk(self, node: cst.CSTNode, skip: int, in_log_call: bool) -> None:
        index = self.count
        self.count += 1
        hook = _HOOKS.get(type(node))
        if hook is None:
            children: Iterable[cst.CSTNode] = _children(node)
        else:
            children, skip, in_log_call = hook(self, node, index, skip, in_log_call)
        for child in children:
            self.walk(child, skip, in_log_call)
        if id(node) in self.wanted:
            self.spans[id(node)] = (index, self.count)

    # Queries, after the walk --------------------------------------------------

    def mentions_in(self, node: cst.CSTNode) -> frozenset[str]:
        """Return the mentions in NODE and below it, leaving out those inside skipped calls at or below NODE."""
        start, end = self.spans[id(node)]
        low = bisect.bisect_left(self.mention_indexes, start)
        high = bisect.bisect_left(self.mention_indexes, end, low)
        skips, names = self.mention_skips, self.mention_names
        return frozenset(names[i] for i in range(low, high) if skips[i] < start)

    def mentions_in_skipped_calls(self) -> Iterator[str]:
        for call in self.skipped_calls:
            start, end = self.spans[id(call)]
            low = bisect.bisect_left(self.mention_indexes, start)
            high = bisect.bisect_left(self.mention_indexes, end, low)
            yield from self.mention_names[low:high]

    # Recording ----------------------------------------------------------------

    def mention(self, index: int, skip: int, name: str) -> None:
        self.mention_indexes.append(index)
        self.mention_skips.append(skip)
        self.mention_names.append(name)

    def assignment(self, target: cst.BaseExpression, value: cst.CSTNode | None) -> None:
        names = _target_names(target)
        if names and value is not None:
            self.assignments.append((frozenset(names), value))
            self.wanted.add(id(value))

    def sink(self, node: cst.CSTNode | None, skip: int) -> None:
        if node is not None and skip == NOT_SKIPPED:
            self.sinks.append(node)
            self.wanted.add(id(node))

    # Hooks: each returns (children to walk, skip, in_log_call) ---------------

    def on_name(self, node: cst.Name, index: int, skip: int, in_log_call: bool) -> _HookResult:
        self.mention(index, skip, node.value)
        return (), skip, in_log_call

    def on_attribute(self, node: cst.Attribute, index: int, skip: int, in_log_call: bool) -> _HookResult:
        dotted = b.dotted(node)
        if dotted:
            self.mention(index, skip, dotted)
        return (node.value,), skip, in_log_call

    def on_arg(self, node: cst.Arg, index: int, skip: int, in_log_call: bool) -> _HookResult:
        return (node.value,), skip, in_log_call

    def on_call(self, node: cst.Call, index: int, skip: int, in_log_call: bool) -> _HookResult:
        is_log_call = id(node) in self.log_calls
        func = node.func
        on_logger = isinstance(func, cst.Attribute) and b.expression_logger(func.value, self.bindings) is not None
        if not in_log_call and not is_log_call and _looks_like_data_access(node):
            self.data_access.append(node)
        if is_log_call or on_logger:
            self.skipped_calls.append(node)
            self.wanted.add(id(node))
            return _children(node), index, in_log_call or is_log_call
        for arg in node.args:
            self.sink(arg.value, skip)
        return _children(node), skip, in_log_call

    def on_return(self, node: cst.Return | cst.Yield, index: int, skip: int, in_log_call: bool) -> _HookResult:
        self.sink(node.value, skip)
        return _children(node), skip, in_log_call

    def on_comparison(self, node: cst.Comparison, index: int, skip: int, in_log_call: bool) -> _HookResult:
        self.sink(node, skip)
        return _children(node), skip, in_log_call

    def on_subscript_element(self, node: cst.SubscriptElement, index: int, skip: int, in_log_call: bool) -> _HookResult:
        self.sink(node.slice, skip)
        return _children(node), skip, in_log_call

    def on_assign(self, node: cst.Assign, index: int, skip: int, in_log_call: bool) -> _HookResult:
        for target in node.targets:
            self.assignment(target.target, node.value)
        if any(isinstance(target.target, (cst.Attribute, cst.Subscript)) for target in node.targets):
            self.sink(node.value, skip)
        return _children(node), skip, in_log_call

    def on_ann_or_aug_assign(self, node: cst.AnnAssign | cst.AugAssign, index: int, skip: int, in_log_call: bool) -> _HookResult:
        self.assignment(node.target, node.value)
        if isinstance(node.target, (cst.Attribute, cst.Subscript)):
            self.sink(node.value, skip)
        return _children(node), skip, in_log_call

    def on_named_expr(self, node: cst.NamedExpr, index: int, skip: int, in_log_call: bool) -> _HookResult:
        self.assignment(node.target, node.value)
        return _children(node), skip, in_log_call

    def on_for(self, node: cst.For, index: int, skip: int, in_log_call: bool) -> _HookResult:
        self.assignment(node.target, node.iter)
        return _children(node), skip, in_log_call

    def on_with_item(self, node: cst.WithItem, index: int, skip: int, in_log_call: bool) -> _HookResult:
        if node.asname is not None:
            self.assignment(node.asname.name, node.item)
        return _children(node), skip, in_log_call


_HOOKS: dict[type, Callable[..., _HookResult]] = {
    cst.Name: _BodyWalker.on_name,
    cst.Attribute: _BodyWalker.on_attribute,
    cst.Arg: _BodyWalker.on_arg,
    cst.Call: _BodyWalker.on_call,
    cst.Return: _BodyWalker.on_return,
    cst.Yield: _BodyWalker.on_return,
    cst.Comparison: _BodyWalker.on_comparison,
    cst.SubscriptElement: _BodyWalker.on_subscript_element,
    cst.Assign: _BodyWalker.on_assign,
    cst.AnnAssign: _BodyWalker.on_ann_or_aug_assign,
    cst.AugAssign: _BodyWalker.on_ann_or_aug_assign,
    cst.NamedExpr: _BodyWalker.on_named_expr,
    cst.For: _BodyWalker.on_for,
    cst.WithItem: _BodyWalker.on_with_item,
}


def _all_mentions(node: cst.CSTNode, bindings: b.Bindings) -> list[str]:
    walker = _BodyWalker(bindings, frozenset())
    walker.walk(node, NOT_SKIPPED, False)
    return walker.mention_names


def _target_names(target: cst.BaseExpression) -> set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        return {name for element in target.elements for name in _target_names(element.value)}
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


# Child nodes ----------------------------------------------------------------

# Node types that contain only whitespace, comments and punctuation. The walk
# never enters them because no mention, call or binding can be inside.
_SYNTAX_ONLY = (
    cst.BaseParenthesizableWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.Comma,
    cst.Dot,
    cst.Colon,
    cst.Semicolon,
    cst.AssignEqual,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# Whether a value of the type is a node to walk. Looking the type up here
# costs less than `isinstance`, because libcst's base classes are ABCs.
_WALKABLE: dict[type, bool] = {}


def _children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Yield the child nodes of NODE that can contain more than syntax, in no particular order.

    Reading the fields directly costs a fraction of `CSTNode.visit`, which
    rebuilds every node it passes. The order is the order of the dataclass
    fields, which is not always the order of the source.
    """
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        if type(value) is tuple or type(value) is list:
            for item in value:
                if _is_walkable(type(item)):
                    yield item
        elif _is_walkable(type(value)):
            yield value


def _is_walkable(value_type: type) -> bool:
    walkable = _WALKABLE.get(value_type)
    if walkable is None:
        walkable = issubclass(value_type, cst.CSTNode) and not issubclass(value_type, _SYNTAX_ONLY)
        _WALKABLE[value_type] = walkable
    return walkable


def _child_fields(node_type: type) -> tuple[str, ...]:
    """Return the fields of NODE_TYPE whose annotation admits a node that is not syntax only."""
    names = _CHILD_FIELDS.get(node_type)
    if names is None:
        try:
            hints = typing.get_type_hints(node_type)
        except (NameError, TypeError):
            hints = {}
        fields = dataclasses.fields(node_type)
        names = tuple(field.name for field in fields if field.name not in hints or _may_hold_nodes(hints[field.name]))
        _CHILD_FIELDS[node_type] = names
    return names


def _may_hold_nodes(annotation: object) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is not None:
        return any(_may_hold_nodes(argument) for argument in typing.get_args(annotation))
    if not isinstance(annotation, type):
        return True
    if issubclass(annotation, cst.CSTNode):
        return not issubclass(annotation, _SYNTAX_ONLY)
    return annotation not in (str, bool, int, float, type(None), cst.MaybeSentinel)


# Data access example --------------------------------------------------------


def _first_data_access(endpoint: Endpoint, facts: BodyFacts, positions: dict[cst.CSTNode, tuple[int, int]]) -> str | None:
    """Return the source of the first call in the body that looks like data access, or None.

    The walk does not visit nodes in source order, so the calls are ordered
    by where they start. Two calls start at the same place only when one
    contains the other, as in `repo.query().all()`. The walk reaches the
    outer call first, and `min` keeps the first of equal keys, so the outer
    call wins as it would in a visitor that goes in source order.
    """
    if not all(call in positions for call in facts.data_access):
        return data_access_example(endpoint)
    if not facts.data_access:
        return None
    return _example_code(min(facts.data_access, key=positions.__getitem__))


def data_access_example(endpoint: Endpoint) -> str | None:
    """Return the source of the first call in the body that looks like data access, or None.

    This walks the body again with a visitor. `check` uses the calls that
    `BodyFacts` collected instead, when the model has their positions.
    """
    assert endpoint.node is not None
    finder = _DataAccess({id(call.node) for call in endpoint.log_calls})
    endpoint.node.body.visit(finder)
    return _example_code(finder.first) if finder.first is not None else None


def _example_code(call: cst.Call) -> str:
    code = cst.Module([]).code_for_node(call)
    if len(code) > MAX_EXAMPLE_LENGTH or "\n" in code:
        code = cst.Module([]).code_for_node(call.func) + "(...)"
    return code


class _DataAccess(cst.CSTVisitor):
    def __init__(self, skipped: set[int]) -> None:
        self.skipped = skipped
        self.first: cst.Call | None = None

    def visit_Call(self, node: cst.Call) -> bool:
        if id(node) in self.skipped or self.first is not None:
            return False
        if _looks_like_data_access(node):
            self.first = node
            return False
        return True


def _looks_like_data_access(call: cst.Call) -> bool:
    func = call.func
    if not isinstance(func, cst.Attribute):
        return False
    if func.attr.value in DATA_ACCESS_METHODS:
        return True
    head = b.dotted(func.value).split(".", 1)[0]
    return head in DATA_ACCESS_NAMES or head.endswith(DATA_ACCESS_SUFFIXES)
