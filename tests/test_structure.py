"""The shape of the code, read from its source: which app may import which, and who writes whose state.

Most of these parse the files (no database); each check names the file and line that breaks it."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "deposits",
    "withdrawals",
    "loans",
    "messages_center",
    "crosscenter",
    "hall",
    "policy",
    "gjj_portal",
    "api",
)
# The composition apps: each may import every app, and no app imports them — hall (the pages that show
# several apps' data) and api (the app channel over the same selectors, forms and services).
TOPS = ("hall", "api")
# Apps at the bottom: gjj_portal (settings and shared infrastructure) imports no app; policy (the center policy,
# part of gjj_portal until #29) imports only gjj_portal; accounts (identity: users, login, SMS codes, the
# access audit) only those two; messages_center only gjj_portal and accounts (its admin records a staff look).
LEAVES = {
    "gjj_portal": set(),
    "policy": {"gjj_portal"},
    "accounts": {"gjj_portal", "policy"},  # the password rule and the center's name are policy data
    "messages_center": {"gjj_portal", "accounts"},
}


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def import_graph() -> dict[str, dict[str, list[str]]]:
    """app → {imported app → ["file:line", …]}, from every import statement, module-level or not."""
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in APPS}
    for app in APPS:
        for path in _sources(app):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in APPS and top != app:
                        where = f"{path.relative_to(ROOT)}:{node.lineno}"
                        graph[app].setdefault(top, []).append(where)
    return graph


def find_cycle(graph: dict[str, dict[str, list[str]]]) -> list[str] | None:
    """One cycle of the app graph as [a, b, …, a], or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app] = "open"
        stack.append(app)
        for other in sorted(graph[app]):
            if state.get(other) == "open":
                return stack[stack.index(other) :] + [other]
            if other not in state and (found := visit(other)):
                return found
        stack.pop()
        state[app] = "done"
        return None

    for app in APPS:
        if app not in state and (found := visit(app)):
            return found
    return None


def test_the_apps_import_each_other_without_a_cycle():
    graph = import_graph()
    cycle = find_cycle(graph)
    if cycle:
        hops = [f"{a} → {b} ({', '.join(graph[a][b][:3])})" for a, b in zip(cycle, cycle[1:], strict=False)]
        pytest.fail("import cycle between apps:\n" + "\n".join(hops))


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_leaf_apps_import_no_other_app(leaf):
    graph = import_graph()
    extra = {app: where for app, where in graph[leaf].items() if app not in LEAVES[leaf]}
    assert not extra, f"{leaf} must not import {extra}"


def test_no_app_imports_the_composition_app():
    graph = import_graph()
    for top in TOPS:
        found = {app: where[top] for app, where in graph.items() if top in where}
        assert not found, f"{top} sits on top; these import it: {found}"


def test_every_link_between_apps_is_an_import_the_graph_sees():
    """No dotted name of an app's code handed around at run time (settings.GJJ_*, import_string): the import
    graph above would not see that link. The only registries of that kind are the adapters' (the bank gateway,
    the SMS backend), chosen by a setting and named in gjj_portal or accounts."""
    allowed = {"gjj_portal/bank.py", "accounts/sms.py"}
    found = []
    for app in APPS:
        for path in _sources(app):
            where = str(path.relative_to(ROOT))
            if where not in allowed and "import_string(" in path.read_text(encoding="utf-8"):
                found.append(where)
    assert not found, f"import_string outside the adapter registries: {found}"


def test_one_template_engine():
    from django.conf import settings

    assert [engine["BACKEND"] for engine in settings.TEMPLATES] == ["django.template.backends.django.DjangoTemplates"]
    assert not (ROOT / "jinja2").exists()


def test_the_cycle_finder_finds_a_cycle_of_three():
    """The check above can fail: a made-up graph with a three-app cycle is caught, a chain is not."""
    graph = {app: {} for app in APPS}
    graph["loans"] = {"deposits": ["x:1"]}
    graph["deposits"] = {"accounts": ["y:2"]}
    assert find_cycle(graph) is None
    graph["accounts"] = {"loans": ["z:3"]}
    assert find_cycle(graph) in (
        ["accounts", "loans", "deposits", "accounts"],
        ["deposits", "accounts", "loans", "deposits"],
        ["loans", "deposits", "accounts", "loans"],
    )


def _models_of(app: str) -> set[str]:
    names = set()
    for path in _sources(app):
        if path.name == "models.py":
            names |= set(re.findall(r"^class (\w+)\(models\.Model\)", path.read_text(encoding="utf-8"), re.M))
    return names


def test_no_app_writes_another_apps_state():
    """State moves through the owning app's services: no `.update(` / `.create(` / `.bulk_create(` on a
    model of another app, and no `Message` made outside messages_center."""
    owners = {model: app for app in APPS for model in _models_of(app)}
    write = re.compile(r"\b(\w+)\.objects(?:\.\w+\([^()]*\))*\.(update|create|bulk_create|get_or_create)\(")
    found = []
    for app in APPS:
        for path in _sources(app):
            if "management" in path.parts and path.stem == "seed_demo":
                continue  # the demo world is written by one command on purpose, through the models
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in write.finditer(line):
                    owner = owners.get(match.group(1))
                    if owner and owner != app:
                        found.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert not found, "writes to another app's model:\n" + "\n".join(found)


# gjj_portal/states.py's one recorder (moves_record) and first row (change_record), and each entity's thin
# wrapper naming its change table and transitions, which calls them (held below).
RECORDERS = {
    "moves_record",
    "change_record",
    "_transition",
    "_transition_many",
    "_account_move",
    "_batch_transition",
    "payouts_record",
    "contracts_record",
    "instalments_record",
    "case_move",
    "account_opened",
}


def test_each_entitys_recorder_goes_through_the_one_recorder():
    defined = {}
    for app in APPS:
        for path in _sources(app):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef) and node.name in RECORDERS:
                    defined[node.name] = node
    assert set(defined) == RECORDERS, f"recorders named but not found: {RECORDERS - set(defined)}"
    wrappers = {name: node for name, node in defined.items() if name not in ("moves_record", "change_record")}
    bypass = [name for name, node in wrappers.items() if not {"moves_record", "change_record"} & _calls(node)]
    assert not bypass, f"these record a move without gjj_portal.states: {bypass}"


def test_every_change_row_is_written_by_the_one_recorder():
    """No app writes a change row (a StateChange) itself: moves_record checks the move against the table
    and writes it, change_record writes an entity's first row."""
    changes = re.compile(r"\b(\w+Change)(?:\.objects\.(?:create|bulk_create|get_or_create)\(|\()")
    found = []
    for app in APPS:
        for path in _sources(app):
            if path.stem == "seed_demo" or path.relative_to(ROOT).as_posix() == "gjj_portal/states.py":
                continue
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for match in changes.finditer(line):
                    kept = match.group(1) in ("ProfileChange", "StateChange") or line.lstrip().startswith("class ")
                    if not kept:
                        found.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()}")
    assert not found, "change rows written outside gjj_portal/states.py:\n" + "\n".join(found)


def _writes_state(node: ast.AST) -> bool:
    """`x.status = …`, `x.state = …`, or `….update(status=…)` / `….update(state=…)`."""
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Attribute) and t.attr in ("status", "state") for t in node.targets)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
        return any(k.arg in ("status", "state") for k in node.keywords)
    return False


def _calls(function: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def test_every_state_write_is_recorded_where_it_happens():
    """A function that writes an entity's status also checks and records the move (a change row), in the
    same function: applications, payouts, remittance lists, accounts, loan contracts and instalments.
    The exceptions are the demo world (seed_demo), prepayment requests and the partner centers' message
    outbox (outboxes whose own columns — attempts, last error, delivered at — are their record), the bank's
    credits (matched once, in the transaction that records them: source, note, actor are their record), the SMS
    receipts (the provider's status report moves them once; reported_at and its code are the record) and the
    sweepers that only touch `updated_at` of rows whose state stays the same."""
    unrecorded = []
    for app in APPS:
        for path in _sources(app):
            if path.stem in ("seed_demo",) or "tests" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                writes = [n for n in ast.walk(function) if _writes_state(n)]
                if not writes or function.name in RECORDERS or RECORDERS & _calls(function):
                    continue
                source = ast.get_source_segment(path.read_text(encoding="utf-8"), writes[0]) or ""
                exempt = (
                    "PrepaymentRequest",
                    "request.status",
                    "OutboxMessage.State",
                    "BankCredit.Status",
                    "SmsDelivery",
                )
                if any(outbox in source for outbox in exempt):
                    continue
                unrecorded.append(f"{path.relative_to(ROOT)}:{writes[0].lineno} {function.name}: {source[:80]}")
    assert not unrecorded, "state written without a change row:\n" + "\n".join(unrecorded)


def test_a_refusal_no_view_caught_is_a_chinese_page_not_a_500(rf, db, policy):
    """DomainErrorMiddleware: any DomainError that escapes a view is shown with its message (409)."""
    from django.contrib.auth.models import AnonymousUser

    from gjj_portal.errors import DomainError, DomainErrorMiddleware
    from loans.services import LoanError

    request = rf.post("/loans/repay/")
    request.user = AnonymousUser()
    middleware = DomainErrorMiddleware(lambda r: None)
    response = middleware.process_exception(request, LoanError("该笔贷款不在还款中，不能办理提前还款。"))
    assert response.status_code == 409 and "该笔贷款不在还款中" in response.content.decode()
    assert issubclass(LoanError, DomainError)
    assert middleware.process_exception(request, ValueError("x")) is None  # a bug stays a bug (500, logged)


@pytest.mark.django_db
def test_no_pattern_ops_twin_index_on_the_portals_tables():
    """A unique or indexed CharField gets a `…_like` (varchar_pattern_ops) twin from Django on PostgreSQL;
    the portal looks those columns up by equality only, so each app's migration drops them
    (gjj_portal.migration_ops.DropPatternTwins). A new field's twin needs the same."""
    from django.apps import apps
    from django.db import connection

    from gjj_portal.migration_ops import pattern_twins

    ours = {"accounts", "deposits", "withdrawals", "loans", "messages_center", "crosscenter", "hall", "policy"}
    tables = [m._meta.db_table for m in apps.get_models() if m._meta.app_label in ours]
    assert pattern_twins(connection, tables) == []


# Form fields whose cleaned value is fixed in shape by their own validation, whatever was typed: a card
# number (spaces dropped, 16-19 digits), a phone (11 digits), a month (YYYY-MM), a password (only its hash
# is stored).
SHAPED = {"card_number", "phone", "period", "password"}


def test_every_text_field_of_a_form_is_no_longer_than_its_column():
    """A form field named like a column of its app's models takes no more characters than the column holds
    (a 10 KB 审批意见 was a DataError, a 5xx)."""
    import importlib
    import pkgutil

    from django import forms
    from django.apps import apps

    ours = ["accounts", "deposits", "withdrawals", "loans", "messages_center", "crosscenter", "hall", "policy"]
    for app in ours:
        for module in pkgutil.iter_modules(importlib.import_module(app).__path__):
            if module.name not in ("migrations", "management"):
                importlib.import_module(f"{app}.{module.name}")
    columns: dict[tuple[str, str], int] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if model._meta.app_label in ours and field.get_internal_type() == "CharField":
                key = (model._meta.app_label, field.name)
                columns[key] = max(columns.get(key, 0), field.max_length)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    too_long = []
    for form in set(subclasses(forms.BaseForm)):
        app = form.__module__.split(".")[0]
        for name, field in getattr(form, "base_fields", {}).items():
            column = columns.get((app, name))
            if column and isinstance(field, forms.CharField) and name not in SHAPED:
                if field.max_length is None or field.max_length > column:
                    too_long.append(f"{form.__module__}.{form.__name__}.{name}: {field.max_length} > {column}")
    assert too_long == []
