"""Resident set size of a 100-block ``duskspec.simulation.run`` (64 provisioners, tree
overlay, seed 0), read from /proc/self/statm when blocks 1, 10, 25, 50, 75 and 100 are final
at every honest node (benchmarks/README.md, Consensus; spec/consensus.md rule 11.3):

    PYTHONPATH=reference .venv/bin/python benchmarks/scripts/consensus_memory.py [blocks]
"""

import json
import os
import sys

import duskspec.simulation as simulation

PAGE = os.sysconf("SC_PAGE_SIZE")
MARKS = (1, 10, 25, 50, 75, 100)
blocks = int(sys.argv[1]) if len(sys.argv) > 1 else 100
rss_mb: dict[int, float] = {}


def progress(final: int) -> None:
    if final in MARKS and final not in rss_mb:
        with open("/proc/self/statm") as statm:
            rss_mb[final] = round(int(statm.read().split()[1]) * PAGE / 2**20, 1)


config = simulation.SimulationConfig(provisioners=64, blocks=blocks, seed=0, overlay="tree")
report = simulation.run(config, on_progress=progress)
print(json.dumps({"rss_mb": rss_mb, "blocks_finalized": report.blocks_finalized}))
