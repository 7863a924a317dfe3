"""A Spark standalone cluster on loopback: one master and N workers, started from the pyspark
installation's own ``bin/spark-class`` and stopped cleanly, for the cluster test and the national
benchmark (a real deployment has its own cluster and gives its master URL:
``CAREASSURE_SPARK_MASTER``).

The pip wheel of pyspark carries ``bin/spark-class`` but not ``sbin/start-master.sh``, so the
master and each worker are this module's child processes. :class:`LoopbackCluster` waits until
every worker has registered with the master (asking the master's status page), and on leaving
stops the workers, then the master: SIGTERM, then SIGKILL after a grace period.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO, Any

START_SECONDS = 120.0
STOP_SECONDS = 15.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ClusterError(RuntimeError):
    """The cluster did not come up in time (the message names the log to read)."""


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to stop the daemon when the process that started it
    dies, so a test run killed without its teardown leaves no cluster behind."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def spark_home() -> Path:
    """The pyspark installation, whose ``bin/spark-class`` starts the daemons."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


class LoopbackCluster:
    """``with LoopbackCluster(workers=2) as cluster: ... cluster.master_url ...``.

    Each worker gets ``cores`` cores and ``memory`` (Spark notation, ``1g``). The daemons' logs
    and work folders are in a temporary folder removed on exit.
    """

    def __init__(self, workers: int = 2, *, cores: int = 1, memory: str = "1g",
                 start_seconds: float = START_SECONDS) -> None:
        self.workers = workers
        self.cores = cores
        self.memory = memory
        self.start_seconds = start_seconds
        self.port = _free_port()
        self.ui_port = _free_port()
        self.master_url = f"spark://127.0.0.1:{self.port}"
        self._processes: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    def _start(self, name: str, *arguments: str) -> None:
        assert self._folder is not None
        home = spark_home()
        env = {**os.environ, "SPARK_HOME": str(home), "SPARK_NO_DAEMONIZE": "1",
               "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_LOG_DIR": self._folder.name,
               "SPARK_WORKER_DIR": self._folder.name}
        log = open(Path(self._folder.name) / f"{name}.log", "wb")  # noqa: SIM115 - kept open
        self._logs.append(log)
        self._processes.append(subprocess.Popen(
            [str(home / "bin" / "spark-class"), *arguments], env=env, stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None))

    def status(self) -> dict[str, Any]:
        """The master's status page as JSON (workers, cores, applications)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.ui_port}/json/", timeout=5) as page:
            answer: dict[str, Any] = json.load(page)
            return answer

    def _alive_workers(self) -> int:
        try:
            return int(self.status().get("aliveworkers", 0))
        except (OSError, urllib.error.URLError, ValueError):
            return 0

    def __enter__(self) -> LoopbackCluster:
        self._folder = tempfile.TemporaryDirectory(prefix="careassure-spark-")
        try:
            self._start("master", "org.apache.spark.deploy.master.Master", "--host",
                        "127.0.0.1", "--port", str(self.port), "--webui-port",
                        str(self.ui_port))
            for n in range(self.workers):
                self._start(f"worker-{n + 1}", "org.apache.spark.deploy.worker.Worker",
                            self.master_url, "--host", "127.0.0.1", "--cores", str(self.cores),
                            "--memory", self.memory, "--webui-port", str(_free_port()),
                            "--work-dir", str(Path(self._folder.name) / f"work-{n + 1}"))
            deadline = time.monotonic() + self.start_seconds
            while self._alive_workers() < self.workers:
                exited = [p.args for p in self._processes if p.poll() is not None]
                if exited or time.monotonic() > deadline:
                    why = "a daemon exited" if exited else \
                        f"not up after {self.start_seconds:.0f} s"
                    raise ClusterError(f"the loopback Spark cluster did not start ({why}); "
                                       f"logs: {self._folder.name}")
                time.sleep(0.5)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the workers, then the master (each daemon's process group, so the JVM that
        spark-class started goes too), and remove the logs."""
        for process in reversed(self._processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for process in reversed(self._processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self._processes.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
