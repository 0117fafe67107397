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
