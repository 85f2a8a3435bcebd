"""bench/orders.py and bench/plain.py stay byte-identical to the shared bench anchors."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "bench-anchors"  # Path(__file__).parents[2].parent / "shared"
COPIES = [("orders.py", "orders.py"), ("plain.py", "engines/plain.py")]


@pytest.mark.parametrize(("ours", "theirs"), COPIES, ids=[c[0] for c in COPIES])
def test_copy_is_byte_identical_to_the_shared_anchor(ours, theirs):
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not present on this machine")
    assert (ROOT / "bench" / ours).read_bytes() == (SHARED / theirs).read_bytes()
