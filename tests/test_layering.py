"""The dependency order of DESIGN.md ("Master data"), checked on every module's imports (read with `ast`, so
imports inside functions count too): a lower layer never imports a higher one.

    core < accounts < notifications          infrastructure: imports no domain app
    < catalog
    < inventory, reconciliation's supplier account
    < orders < shipments < aftersales
    < reconciliation statements
    < reports, portal                        the top floors: nothing imports them
    < config                                 wires everything together

reconciliation holds two floors: its statement modules (statements.py, statement_*.py, scorecard.py) sit above aftersales,
the rest (the supplier account: entries, their services and selectors) beside inventory.

The one rule DESIGN.md states beside the order: a page (views.py, *_views.py) may read a higher layer's
selectors. Any other exception must be listed in EXCEPTIONS with its reason."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

INFRASTRUCTURE = ("core", "accounts", "notifications")
LAYER = {
    "core": 0, "accounts": 1, "notifications": 2,
    "catalog": 3,
    "inventory": 4, "reconciliation": 4,  # the supplier account; statements: see layer_of
    "orders": 5,
    "shipments": 6,
    "aftersales": 7,
    "reconciliation.statements": 8,
    "reports": 9, "portal": 9,
    "config": 10,
}
# the scorecard reads shipments, tickets and statements for both top floors (reconciliation/scorecard.py)
STATEMENT_MODULES = ("reconciliation.statements", "reconciliation.statement_", "reconciliation.scorecard")

# (importing module, imported module): reason. Keep it short; an entry here is a debt, not a habit.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def layer_of(module):
    """The layer of a dotted module name, or None for what is not ours (django, ninja, tests…)."""
    top = module.split(".")[0]
    if top == "reconciliation" and module.startswith(STATEMENT_MODULES):
        return LAYER["reconciliation.statements"]
    return LAYER.get(top)


def project_modules():
    for app in {name.split(".")[0] for name in LAYER}:
        for path in sorted((ROOT / app).rglob("*.py")):
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts), path


def imports_of(module, path):
    """(line, imported module) for every import in the file, relative ones resolved."""
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:  # `from reconciliation import statements` names a module: keep the name
                yield node.lineno, f"{target}.{alias.name}"


def is_page(module):
    name = module.rsplit(".", 1)[-1]
    return name == "views" or name.endswith("_views")


def violations():
    found = []
    for module, path in project_modules():
        own_app, own_layer = module.split(".")[0], layer_of(module)
        for line, imported in imports_of(module, path):
            their_layer = layer_of(imported)
            if their_layer is None or imported.split(".")[0] == own_app or their_layer <= own_layer:
                continue  # one app's modules among themselves are one Django app's business
            if is_page(module) and imported.split(".")[1:2] == ["selectors"]:
                continue  # DESIGN.md: a page may read a higher layer's selectors
            if (module, imported) in EXCEPTIONS:
                continue
            found.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return found


def test_no_lower_layer_imports_a_higher_one():
    found = violations()
    assert not found, "a lower layer imports a higher one (DESIGN.md):\n" + "\n".join(found)


@pytest.mark.parametrize("app", INFRASTRUCTURE)
def test_infrastructure_imports_no_domain_app(app):
    domain = {name.split(".")[0] for name, layer in LAYER.items() if 3 <= layer < 10}
    found = [f"{path.relative_to(ROOT)}:{line} imports {imported}"
             for module, path in project_modules() if module.split(".")[0] == app
             for line, imported in imports_of(module, path) if imported.split(".")[0] in domain]
    assert not found, "\n".join(found)


def test_core_and_accounts_depend_one_way():
    """accounts builds on core (forms, page access); core never imports accounts."""
    found = [f"{path.relative_to(ROOT)}:{line} imports {imported}"
             for module, path in project_modules() if module.split(".")[0] == "core"
             for line, imported in imports_of(module, path) if imported.split(".")[0] == "accounts"]
    assert not found, "\n".join(found)


def test_catalog_reads_no_role_table():
    """catalog sits under the roles' grants: it asks accounts' selectors who holds a role."""
    found = [f"{path.relative_to(ROOT)}:{line}" for module, path in project_modules()
             if module.split(".")[0] == "catalog"
             for line, imported in imports_of(module, path) if imported.startswith("accounts.roles")]
    assert not found, "\n".join(found)


def test_the_check_sees_a_violation():
    """The checker itself: a lower module importing a higher one is found, a page reading selectors is not."""
    assert layer_of("orders.services") < layer_of("shipments.services")
    assert layer_of("reconciliation.services") < layer_of("aftersales.services")
    assert layer_of("reconciliation.statements") > layer_of("aftersales.services")
    assert layer_of("reconciliation.statement_views") > layer_of("aftersales.services")
    assert is_page("orders.views") and is_page("reconciliation.statement_views")
    assert not is_page("orders.services")
