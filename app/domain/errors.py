"""Domain refusals. Each names its stable `code` and, where one applies, its rule id."""

from __future__ import annotations


class DomainError(Exception):
    """A rule said no. The HTTP layer maps it to a problem (409 unless `status` says)."""

    code: str = "conflict"
    rule: str | None = None
    status: int = 409
    title: str = "The request conflicts with a rule"

    loc: tuple[str, ...] = ("body",)
    # Extra members of the problem body (e.g. the `missing` kinds of R21).
    extra: dict[str, object] = {}

    def __init__(
        self,
        detail: str,
        *,
        rule: str | None = None,
        code: str | None = None,
        loc: tuple[str, ...] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = dict(extra or {})
        if loc is not None:
            self.loc = loc
        if rule is not None:
            self.rule = rule
        if code is not None:
            self.code = code


class InvalidTransition(DomainError):
    code = "invalid_transition"
    title = "That action is not allowed in the current state"


class InvalidInput(DomainError):
    """A value no rule accepts, caught by the domain rather than the schema (422)."""

    code = "validation_error"
    status = 422
    title = "The request is not valid"
