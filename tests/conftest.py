"""Shared test configuration: Hypothesis profiles and the crypto backend option.

Profiles: ``dev`` (fast, the default on a workstation), ``ci`` (twice as many examples,
chosen when ``CI`` is set or with ``HYPOTHESIS_PROFILE=ci``) and ``thorough`` (for audits,
``HYPOTHESIS_PROFILE=thorough``). ``--crypto fast|reference`` selects the
BLS backend exactly as ``DUSKSPEC_CRYPTO`` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=40, deadline=None)
# ``ci`` is what `make test` runs under CI: twice dev, sized so the whole suite (with TLC and
# the vector replay) stays well inside CI's budget on a 2-core machine now that no test pins
# its own budget. ``thorough`` is for audits and nightly runs (HYPOTHESIS_PROFILE=thorough).
settings.register_profile(
    "ci", max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--crypto",
        choices=("fast", "reference"),
        default=None,
        help="BLS backend for the run (default: DUSKSPEC_CRYPTO or fast)",
    )


def pytest_configure(config: pytest.Config) -> None:
    backend = config.getoption("--crypto")
    if backend:
        os.environ["DUSKSPEC_CRYPTO"] = backend


@pytest.fixture(autouse=True)
def _restore_crypto_backend() -> Iterator[None]:
    """An in-process ``duskspec --crypto X`` call sets ``DUSKSPEC_CRYPTO`` for the process;
    restore it after every test so one test's backend never leaks into the next."""
    before = os.environ.get("DUSKSPEC_CRYPTO")
    yield
    if before is None:
        os.environ.pop("DUSKSPEC_CRYPTO", None)
    else:
        os.environ["DUSKSPEC_CRYPTO"] = before
