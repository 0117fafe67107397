"""Overlays, determinism per overlay and the crypto floor of `duskspec simulate`
(spec/consensus.md §11, spec/network.md §7.5)."""

from __future__ import annotations

import dataclasses

import pytest

from duskspec.crypto import bls
from duskspec.crypto.floor import FloorMeter, metering
from duskspec.errors import NetworkError
from duskspec.simulation import SimulationConfig, run

SMALL = SimulationConfig(provisioners=8, blocks=3, preset="tiny", seed=3)

#: Event-log digests of the packet overlay recorded on the consensus code without the tree
#: overlay and the per-message optimisations (the second changed once, when the Byzantine
#: coalition began to match its stake fraction as closely as stakes allow): the
#: optimisations must not change them.
PACKET_DIGESTS = [
    (SMALL, "7c6f7f97cb4ef4d48994fb638a7e5d5545340f535c3954293d4a63a2a8963ad6"),
    (
        dataclasses.replace(SMALL, loss=0.1, byzantine=0.3),
        "680d3b8ae0db675102401c7a1253f4c735822434cacd3ea1068456378bb73160",
    ),
]


@pytest.mark.parametrize(("config", "digest"), PACKET_DIGESTS)
def test_packet_overlay_keeps_its_event_log(config: SimulationConfig, digest: str) -> None:
    assert run(dataclasses.replace(config, overlay="packet")).digest == digest


#: Event-log digests of the tree overlay recorded on the code before the per-message cuts of
#: spec/consensus.md rules 3.32 and 11.2-11.4 (memos of points, committee and generator
#: memos, the tree planner's shapes and queue): those cuts must not change them.
TREE_DIGESTS = [
    (SMALL, "c7c3a1179973944cc9a16ad3c01285ddb7020919d8099960bba6b7304efd6070"),
    (
        dataclasses.replace(SMALL, loss=0.1, byzantine=0.3),
        "25e834b2326556cdebaed11688b374253c0a971065a9f5924cba4330eeaf1501",
    ),
]


@pytest.mark.parametrize(("config", "digest"), TREE_DIGESTS)
def test_tree_overlay_keeps_its_event_log(config: SimulationConfig, digest: str) -> None:
    assert run(dataclasses.replace(config, overlay="tree")).digest == digest


def test_tree_overlay_is_deterministic_and_finalizes() -> None:
    config = dataclasses.replace(SMALL, overlay="tree", loss=0.1)
    first, second = run(config), run(config)
    assert first.digest == second.digest and first.per_block == second.per_block
    assert first.blocks_finalized == SMALL.blocks and first.agreement_ok
    assert first.digest != run(dataclasses.replace(config, seed=4)).digest


def test_unknown_overlay_is_a_typed_error() -> None:
    with pytest.raises(NetworkError) as info:
        run(dataclasses.replace(SMALL, overlay="mesh"))
    assert info.value.code == "network.unknown_overlay"


def test_report_counts_the_floor_inside_the_run() -> None:
    report = run(SMALL)
    ops = report.floor_operations
    assert ops["verify"]["distinct"] == report.signature_verifications
    assert ops["sign_multisig"]["distinct"] > 0 and ops["aggregate_signatures"]["distinct"] > 0
    assert 0 < report.floor_cpu_seconds < report.cpu_seconds
    assert report.bootstrap_cpu_seconds > 0


def test_meter_adds_distinct_operations_once_and_changes_no_result() -> None:
    secret, public = bls.keygen(b"floor-test")
    meter = FloorMeter()
    with metering(meter):
        first = bls.sign_multisig(secret, public, b"m")
        again = bls.sign_multisig(secret, public, b"m")
        other = bls.sign_multisig(secret, public, b"n")
    assert first == again == bls.sign_multisig(secret, public, b"m") and other != first
    count = meter.operations["sign_multisig"]
    assert (count.distinct, count.repeats) == (2, 1)
    assert meter.cpu_s == count.cpu_s > 0
