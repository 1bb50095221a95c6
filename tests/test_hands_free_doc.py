"""docs/hands-free-hamstring.md lists every statement of the built-in technique with its source."""

from __future__ import annotations

import re
from pathlib import Path

from tests.helpers import hamstring

from softspot.core.technique import statements

DOC = Path(__file__).resolve().parent.parent / "docs" / "hands-free-hamstring.md"


def test_the_table_lists_every_statement_with_its_source_and_where_it_appears() -> None:
    rows = {
        m.group(1): (m.group(2), m.group(3))
        for m in re.finditer(r"^\| `([^`]+)` \| .* \| (article|softspot) \| (.+) \|$", DOC.read_text(), re.M)
    }
    expected = {s.path: s.source for s in statements(hamstring())}
    assert {path: source for path, (source, _) in rows.items()} == expected
    assert all(where.strip() for _, where in rows.values())
