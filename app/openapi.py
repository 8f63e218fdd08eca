"""Print the OpenAPI document the app serves (`make openapi` commits it)."""

from __future__ import annotations

import json
import sys

from app.main import create_app
from app.settings import Settings


def document() -> dict[str, object]:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    return app.openapi()


def main() -> None:
    json.dump(document(), sys.stdout, indent=2, sort_keys=False, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
