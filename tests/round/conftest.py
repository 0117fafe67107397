from __future__ import annotations

import pytest

from duskspec.consensus import round as rnd
from support.lockstep import make_keys


@pytest.fixture(scope="session")
def keys6() -> list[rnd.NodeKeys]:
    """Six provisioners with real BLS keys (tiny preset: committees of 8 credits)."""
    return make_keys(6)
