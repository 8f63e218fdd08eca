"""State machines as data: a table of allowed transitions and one `transition`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.errors import InvalidTransition


@dataclass(frozen=True)
class StateMachine:
    """`table[state][action] -> next state`. Anything not in the table is refused."""

    name: str
    rule: str
    table: Mapping[str, Mapping[str, str]]

    def transition(self, current: str, action: str) -> str:
        try:
            return self.table[current][action]
        except KeyError:
            raise InvalidTransition(
                f"A {self.name} that is {current} cannot be {action}: "
                f"allowed here: {', '.join(sorted(self.table.get(current, {}))) or 'nothing'}.",
                rule=self.rule,
            ) from None

    def allowed(self, current: str) -> list[str]:
        return sorted(self.table.get(current, {}))

    @property
    def states(self) -> set[str]:
        out = set(self.table)
        for moves in self.table.values():
            out.update(moves.values())
        return out

    @property
    def actions(self) -> set[str]:
        return {action for moves in self.table.values() for action in moves}
