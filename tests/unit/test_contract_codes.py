"""app/contract.py's CODES names every code the service can give, at its status."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import app.domain
from app import problems
from app.contract import CODES, OPERATIONS
from app.domain.errors import DomainError

APP = Path(__file__).resolve().parents[2] / "app"


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_every_problem_and_domain_error_class_is_in_codes_at_its_status() -> None:
    for module in pkgutil.iter_modules(app.domain.__path__):
        importlib.import_module(f"app.domain.{module.name}")
    classes = [*_subclasses(problems.Problem), *_subclasses(DomainError)]
    assert len(classes) > 40
    for cls in classes:
        code, status = cls.code, cls.status  # type: ignore[attr-defined]
        assert code in CODES, f"{cls.__name__}: {code} is not in app/contract.py CODES"
        assert CODES[code].status == status, (cls.__name__, code, status)
        rule = getattr(cls, "rule", None)
        if rule is not None and code != "forbidden":
            assert rule in (CODES[code].rule or "").split(", "), (cls.__name__, code, rule)


def test_every_code_given_by_name_in_the_source_is_in_codes() -> None:
    named = set()
    for path in APP.rglob("*.py"):
        named |= set(re.findall(r'\bcode="([a-z_]+)"', path.read_text()))
    assert named, "the source names codes"
    assert named <= set(CODES), named - set(CODES)


def test_every_operation_code_is_known() -> None:
    for operation_id, operation in OPERATIONS.items():
        assert operation.summary, operation_id
        for code in operation.codes:
            assert code in CODES, (operation_id, code)
