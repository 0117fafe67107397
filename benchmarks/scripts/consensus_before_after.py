"""CPU per finalized block of ``duskspec.simulation.run`` (64 provisioners, 5 blocks, seed 0)
for whichever checkout is first on PYTHONPATH; the Kadcast bootstrap is timed apart and
excluded. Used for the before/after figures of benchmarks/README.md (Consensus): run it
alternately on two checkouts in one shell session, e.g.

    git worktree add /tmp/base7398 7398d52
    for i in 1 2 3; do
      PYTHONPATH=/tmp/base7398/reference .venv/bin/python benchmarks/scripts/consensus_before_after.py
      PYTHONPATH=reference .venv/bin/python benchmarks/scripts/consensus_before_after.py tree
    done

(``7398d52`` has no ``overlay`` option: it always runs the packet-level Kadcast machine.)
"""

import dataclasses
import json
import sys
import time

import duskspec.simulation as simulation

bootstrap = [0.0]
build = simulation.bootstrap_network


def timed_bootstrap(*args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.process_time()
    network = build(*args, **kwargs)
    bootstrap[0] += time.process_time() - start
    return network


simulation.bootstrap_network = timed_bootstrap
options = {"provisioners": 64, "blocks": 5, "seed": 0}
if "overlay" in {f.name for f in dataclasses.fields(simulation.SimulationConfig)}:
    options["overlay"] = sys.argv[1] if len(sys.argv) > 1 else "tree"
start = time.process_time()
report = simulation.run(simulation.SimulationConfig(**options))
cpu = time.process_time() - start - bootstrap[0]
print(
    json.dumps(
        {
            "checkout": simulation.__file__,
            "overlay": options.get("overlay", "packet (7398d52)"),
            "cpu_s": round(cpu, 3),
            "cpu_s_per_block": round(cpu / max(report.blocks_finalized, 1), 3),
            "bootstrap_cpu_s": round(bootstrap[0], 3),
            "blocks_finalized": report.blocks_finalized,
            "floor_cpu_s": round(getattr(report, "floor_cpu_seconds", 0.0), 3),
            "digest": report.digest[:16],
        }
    )
)
