"""TLC's distributed mode on one machine or many (docs/report-and-scale.md §3).

A ``tlc2.tool.distributed.TLCServer`` holds the model, the queue of unexplored states and the
fingerprint set; ``tlc2.tool.distributed.TLCWorker`` processes, on this machine or others,
fetch states from it over Java RMI, compute their successors and send them back. The server
prints the same final report as ``tlc2.TLC`` (states generated, distinct states, depth), so
:func:`duskspec.tla.tlc.parse_output` reads it.

:func:`run_distributed` starts a server and ``workers`` worker processes on this machine (the
test's configuration); the commands it runs are the ones the documentation gives for several
machines, with ``127.0.0.1`` in place of the server's address.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from pathlib import Path

from duskspec.tla import tlc

SERVER = "tlc2.tool.distributed.TLCServer"
WORKER = "tlc2.tool.distributed.TLCWorker"
#: Java system properties: the RMI port of the server (default 10997) and the threads of a
#: worker (default: one per core).
PORT_PROPERTY = f"{SERVER}.port"
THREADS_PROPERTY = f"{WORKER}.threadCount"
#: What the JVM prints when the RMI registry cannot bind its port.
RMI_BIND_FAILURES = ("ExportException", "Port already in use", "BindException")


class RmiUnavailable(tlc.TlcUnavailable):
    """Java RMI cannot bind a port on this machine (the distributed mode cannot run here)."""

    code = "tla.rmi_unavailable"


def free_port() -> int:
    """A TCP port nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_command(
    java: str, jar: Path, port: int, module: Path, config: Path, metadir: str
) -> list[str]:
    """The server: the model and its configuration, deadlock not checked (``-deadlock``)
    because the distributed server does not read ``CHECK_DEADLOCK`` from the configuration."""
    return [
        java,
        "-Djava.rmi.server.hostname=127.0.0.1",
        f"-D{PORT_PROPERTY}={port}",
        "-cp",
        str(jar),
        SERVER,
        "-deadlock",
        "-metadir",
        metadir,
        "-config",
        str(config),
        str(module),
    ]


def worker_command(java: str, jar: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    """One worker process of one thread, contacting the server at ``host``."""
    return [
        java,
        f"-Djava.rmi.server.hostname={host}",
        f"-D{PORT_PROPERTY}={port}",
        f"-D{THREADS_PROPERTY}=1",
        "-cp",
        str(jar),
        WORKER,
        host,
    ]


def run_distributed(
    module: Path, config: Path, workers: int = 2, timeout: float = 300.0
) -> tlc.TlcReport:
    """Check ``module`` under ``config`` with a server and ``workers`` worker processes on
    this machine; the server's report. The configuration must sit next to the module: the
    server names it to the workers relative to the module's folder. A run whose workers all
    exit before the server ends, or that outlasts ``timeout`` seconds, is stopped and
    reported with result ``error``. :class:`RmiUnavailable` when RMI cannot bind."""
    if config.parent.resolve() != module.parent.resolve():
        raise ValueError(f"{config} must be in the folder of {module} (the workers read it there)")
    java, jar = tlc.find_tools()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="duskspec-tlc-dist-") as meta:
        log_path = Path(meta) / "server.log"
        command = server_command(java, jar, port, module, Path(config.name), meta + "/states")
        start = time.monotonic()
        # Workers first: each retries until the server answers, so all of them are waiting
        # when it comes up and every one registers before the exploration can end.
        worker_logs = [Path(meta) / f"worker{i}.log" for i in range(workers)]
        pool = []
        for path in worker_logs:
            with path.open("w") as worker_log:
                pool.append(
                    subprocess.Popen(
                        worker_command(java, jar, port),
                        cwd=meta,
                        stdout=worker_log,
                        stderr=subprocess.STDOUT,
                    )
                )
        server: subprocess.Popen[bytes] | None = None
        try:
            _await_workers(pool, worker_logs, start + timeout)
            with log_path.open("w") as log:
                server = subprocess.Popen(
                    command, cwd=module.parent, stdout=log, stderr=subprocess.STDOUT
                )
                _supervise(server, pool, start + timeout)
        finally:
            for process in [p for p in [server, *pool] if p is not None]:
                if process.poll() is None:
                    process.kill()
                process.wait()
        seconds = time.monotonic() - start
        output = log_path.read_text() if log_path.exists() else ""
        for path in worker_logs:
            output += f"\n--- {path.name}\n" + path.read_text()
    if any(failure in output for failure in RMI_BIND_FAILURES):
        raise RmiUnavailable(f"Java RMI cannot bind port {port} here: {output.strip()[-300:]}")
    code = server.returncode if server is not None and server.returncode is not None else -1
    return tlc.parse_output(output, code, seconds)


def _await_workers(pool: list[subprocess.Popen[bytes]], logs: list[Path], end: float) -> None:
    """Wait until every worker's JVM is up and looking for the server (or has exited)."""
    while time.monotonic() < end:
        waiting = [
            worker.poll() is not None or "unreachable" in path.read_text()
            for worker, path in zip(pool, logs, strict=True)
        ]
        if all(waiting):
            return
        time.sleep(0.2)


def _supervise(
    server: subprocess.Popen[bytes], pool: list[subprocess.Popen[bytes]], end: float
) -> None:
    """Wait for the server; give up when every worker is gone or the time is over."""
    while server.poll() is None:
        if time.monotonic() > end or all(worker.poll() is not None for worker in pool):
            time.sleep(1.0)
            if server.poll() is None:
                server.kill()
            return
        time.sleep(0.2)


def run_single(module: Path, config: Path) -> tlc.TlcReport:
    """The same model checked by the ordinary ``tlc2.TLC`` (one worker), for comparison."""
    java, jar = tlc.find_tools()
    entry = tlc.ModelEntry(module.name, module.name, str(config), "success", 0)
    return tlc.run_tlc(entry, module.parent, java, jar)
