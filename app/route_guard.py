"""A path guard in front of each included router: one regular expression per router.

FastAPI (0.165) keeps every `include_router` as an included-router entry of the app's
routes, and matches a request by asking each entry in turn; an entry asks each of its
routes (a regular expression and some bookkeeping of FastAPI's scope per route, about
3 us), and the entry that matches is asked again when it handles the request. With the
API's 21 routers and ~200 operations that was 150-570 us a request before the endpoint
ran (the casework contact POST, late in the list: 13% of its CPU under load,
docs/performance.md).

`guard_included_routers` gives each included router an instance `matches` that first
tries one compiled alternation of its routes' own path expressions: a path none of them
matches can give neither a full nor a partial match (a partial one is a path that
matches with another method), so the router answers "no match" at once; any other path
goes to FastAPI's own matching, unchanged. Routers holding anything but plain API routes
(mounts, websockets, frontend routes) are left unguarded. Call it once every route is
included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from starlette._utils import get_route_path
from starlette.routing import Match

_NAMED_GROUP = re.compile(r"\(\?P<[^>]+>")
_INCLUDED: Any = getattr(fastapi_routing, "_IncludedRouter", None)
_CONTEXT: Any = getattr(fastapi_routing, "_EffectiveRouteContext", None)


def guard_included_routers(app: FastAPI) -> int:
    """Guard every included router of `app` that holds only API routes; returns how many
    were guarded (0 on a FastAPI without included-router entries)."""
    if _INCLUDED is None or _CONTEXT is None:
        return 0
    guarded = 0
    routes: list[Any] = list(app.router.routes)
    for route in routes:
        if type(route) is not _INCLUDED:
            continue
        pattern = _paths_of(route)
        if pattern is None:
            continue
        route.matches = _guarded(route.matches, pattern.match)
        guarded += 1
    return guarded


def _paths_of(included: Any) -> re.Pattern[str] | None:
    contexts = list(included.effective_candidates())
    patterns = []
    for context in contexts:
        regex = getattr(context, "path_regex", None)
        if (
            type(context) is not _CONTEXT
            or not isinstance(context.original_route, fastapi_routing.APIRoute)
            or context.frontend_prefix
            or regex is None
        ):
            return None
        # Named groups repeat across routes: the guard only needs to know that one matches.
        patterns.append("(?:" + _NAMED_GROUP.sub("(?:", regex.pattern) + ")")
    if not patterns:
        return None
    return re.compile("|".join(patterns))


def _guarded(
    matches: Callable[[Any], tuple[Match, Any]], path_matches: Callable[[str], Any]
) -> Callable[[Any], tuple[Match, Any]]:
    def guarded_matches(scope: Any) -> tuple[Match, Any]:
        if scope["type"] == "http" and path_matches(get_route_path(scope)) is None:
            return Match.NONE, {}
        return matches(scope)

    return guarded_matches
