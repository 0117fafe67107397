"""Kadcast (beta = 3) against gossip (fanout 8) deliveries per CPU second, lossless, in one
process, alternately: the setup of ``duskspec bench network`` (tables built by Kadcast's
bootstrap, 10 broadcasts of 1 KiB from seeded origins, seed 2026) for one size, without the
bench's other rows. Used for the merged-code figures of benchmarks/README.md (Network):

    PYTHONPATH=reference .venv/bin/python benchmarks/scripts/kadcast_vs_gossip.py 1024 4
"""

import json
import sys
import time

from duskspec.network import scenario, sim
from duskspec.network.gossip import gossip_machine
from duskspec.network.kadcast.node import kadcast_machine

SEED = 2026
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
net = scenario.bootstrap_network(n, seed=SEED)
origins = scenario.pick_origins(n, 10, SEED)
payloads = scenario.frames(len(origins), 1024, SEED)
gossip_states = scenario.gossip_nodes(net.nodes, 8, SEED)
kadcast_states = scenario.with_beta(net.nodes, 3)
config = sim.NetworkConfig(seed=SEED, loss=0.0)


def measure(handler, states):  # type: ignore[no-untyped-def]
    began = time.process_time()
    run = scenario.run_broadcasts(
        handler, states, origins, payloads, config=config, start_us=net.end_us
    )
    return run.totals.arrivals, time.process_time() - began


for repeat in range(repeats):
    kad, kad_s = measure(kadcast_machine, kadcast_states)
    gos, gos_s = measure(gossip_machine, gossip_states)
    print(
        json.dumps(
            {
                "nodes": n,
                "repeat": repeat,
                "kadcast_deliveries": kad,
                "kadcast_per_cpu_s": round(kad / kad_s),
                "gossip_deliveries": gos,
                "gossip_per_cpu_s": round(gos / gos_s),
                "gossip_over_kadcast": round((gos / gos_s) / (kad / kad_s), 2),
            }
        )
    )
