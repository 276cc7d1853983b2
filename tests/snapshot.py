"""Everything a shop holds, read without changing it: to prove that a command changed nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

ShopState = dict[str, dict[str, list[tuple[Any, ...]]]]


def shop_state(data_dir: Path) -> ShopState:
    """Every row of every table of every database in the data directory, by file and table."""
    state: ShopState = {}
    for database in sorted(data_dir.glob("*.db")):
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            state[database.name] = {
                table: sorted(connection.execute(f'SELECT * FROM "{table}"'), key=repr)
                for table in tables
            }
        finally:
            connection.close()
    return state
