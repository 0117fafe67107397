"""The ``tiny/vm`` vectors replay through the stdio adapter, and a wrong gas figure or root
is caught (spec/vm.md §9)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from duskspec import paths
from duskspec.vectors.verify import verify

VM = paths.VECTORS_DIR / "tiny" / "vm"


def test_every_vm_handler_has_cases() -> None:
    for handler in ("abi", "gas", "host_queries", "contracts"):
        assert len(list((VM / handler).iterdir())) >= 10


def test_vm_vectors_replay_through_the_reference_adapter() -> None:
    impl = f"{sys.executable} -m duskspec.cli vectors serve"
    outcomes = verify(VM, impl=impl)
    assert len(outcomes) >= 70
    assert all(o.status == "passed" for o in outcomes), [
        o for o in outcomes if o.status != "passed"
    ]


def test_a_wrong_gas_figure_or_root_fails(tmp_path: Path) -> None:
    tree = tmp_path / "vm"
    shutil.copytree(VM / "gas" / "spin_1000", tree / "gas" / "spin_1000")
    shutil.copytree(VM / "contracts" / "fail_reverts", tree / "contracts" / "fail_reverts")
    gas_post = tree / "gas" / "spin_1000" / "post.json"
    gas_post.write_text(gas_post.read_text().replace('"gas_spent": 1000', '"gas_spent": 999'))
    root_post = tree / "contracts" / "fail_reverts" / "post.json"
    text = root_post.read_text()
    marker = '"state_root": "0x'
    at = text.index(marker) + len(marker)
    root_post.write_text(text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1 :])
    failed = sorted(o.path for o in verify(tree) if o.status == "failed")
    assert failed == ["contracts/fail_reverts", "gas/spin_1000"]
