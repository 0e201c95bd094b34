"""The layers import downwards only: common, then axion, accounts, api, the domain apps
(faxes, messaging, sandbox), and portal at the top.

Every .py file of the project's packages (migrations included) is parsed, not imported, and
every import statement counts, a function's own imports too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = {"contacts", "events", "faxes", "messaging", "notifications", "operations",
          "optouts", "sandbox", "webhooks_out", "message_templates", "charts",
          "fax_alerts", "campaigns", "search"}
PACKAGES = {"common", "axion", "accounts", "api", *DOMAIN, "portal"}

# What each package may not import (itself and everything else of the project is allowed).
FORBIDDEN = {
    "common": PACKAGES - {"common"},
    "axion": PACKAGES - {"common", "axion"},
    "accounts": {"api", *DOMAIN, "portal"},
    "api": {*DOMAIN, "portal"},
    **{app: {"portal"} for app in DOMAIN},
    "portal": set(),
}


def imported_modules(path: str, tree: ast.AST):
    """(line, statement, absolute module) of every import in the tree of the file at `path`
    (relative to the project), relative imports resolved."""
    package = path.split("/")[:-1]  # a module's package; an __init__.py's own package
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, f"import {alias.name}", alias.name
        elif isinstance(node, ast.ImportFrom):
            names = ", ".join(alias.name for alias in node.names)
            dots = "." * node.level
            statement = f"from {dots}{node.module or ''} import {names}"
            if node.level:
                base = package[:max(len(package) - node.level + 1, 0)]
                modules = [".".join([*base, node.module])] if node.module else [
                    ".".join([*base, alias.name]) for alias in node.names]
            else:
                modules = [node.module]
            for module in modules:
                yield node.lineno, statement, module


def violations(path: str, source: str) -> list[str]:
    """The imports of one file that break a rule, as "path:line: statement (why)"."""
    package = path.split("/")[0]
    forbidden = FORBIDDEN[package]
    found = []
    for line, statement, module in imported_modules(path, ast.parse(source, filename=path)):
        target = module.split(".")[0]
        if target in forbidden:
            found.append(f"{path}:{line}: {statement} ({package} may not import {target})")
    return found


def project_files() -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix()
                  for package in sorted(PACKAGES) for path in (ROOT / package).rglob("*.py"))


def test_every_package_has_files_to_check():
    packages = {path.split("/")[0] for path in project_files()}
    assert packages == PACKAGES
    assert any("/migrations/" in path for path in project_files())


def test_the_project_imports_downwards_only():
    found = [problem for path in project_files()
             for problem in violations(path, (ROOT / path).read_text(encoding="utf-8"))]
    assert found == [], "Imports against the layers:\n" + "\n".join(found)


SYNTHETIC = """\
import json
from common.phone import normalize_number
from . import errors


def later():
    from portal.jobs import JOBS
    import accounts.models
    return JOBS
"""


def test_the_checker_reports_what_breaks_a_rule_a_functions_imports_too():
    assert violations("axion/sms.py", SYNTHETIC) == [
        "axion/sms.py:7: from portal.jobs import JOBS (axion may not import portal)",
        "axion/sms.py:8: import accounts.models (axion may not import accounts)",
    ]


@pytest.mark.parametrize(("path", "source", "target"), [
    ("common/phone.py", "import axion\n", "axion"),
    ("common/locks.py", "from accounts.models import Organization\n", "accounts"),
    ("axion/fax.py", "from ..accounts import tokens\n", "accounts"),
    ("accounts/jobs.py", "from api.views import OrganizationApiMixin\n", "api"),
    ("accounts/migrations/0002_x.py", "import messaging.models\n", "messaging"),
    ("api/views.py", "from faxes.models import Fax\n", "faxes"),
    ("faxes/tasks.py", "from portal import jobs\n", "portal"),
    ("sandbox/demo.py", "import portal.settings\n", "portal"),
])
def test_the_checker_reports_each_rule(path, source, target):
    [problem] = violations(path, source)
    assert problem.endswith(f"may not import {target})")


@pytest.mark.parametrize(("path", "source"), [
    ("common/pagination.py", "from common.phone import normalize_number\nimport django\n"),
    ("axion/sms.py", "from common import phone\nfrom .transport import AxionTransport\n"),
    ("accounts/tokens.py", "from axion.tokens import TokenStore\nfrom . import models\n"),
    ("api/views.py", "from accounts.tenancy import organization_scope\n"),
    ("messaging/api.py", "from api.views import OrganizationApiMixin\nimport faxes\n"),
    ("portal/jobs.py", "from faxes import tasks\nfrom sandbox import tasks as sandbox_tasks\n"),
])
def test_the_checker_lets_downward_imports_pass(path, source):
    assert violations(path, source) == []
