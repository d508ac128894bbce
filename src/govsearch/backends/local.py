"""A local OpenSearch cluster of real nodes on 127.0.0.1, for trying the cluster backend and for its tests.

The nodes are the OpenSearch server distribution that `scripts/cluster-install`
unpacks (from the Maven registry), each its own JVM with its own data folder,
found by each other through their transport ports: a real cluster, not a
test harness. OpenSearch refuses to run as root, so under root the nodes run
as `nobody` (their folders then live where nobody can read them).

    cluster = LocalCluster.start(run_dir, nodes=2)
    cluster.url            # opensearch://127.0.0.1:PORT/govsearch
    cluster.stop_node(1); cluster.start_node(1)
    cluster.stop()

`python -m govsearch.backends.local start|stop|status` is scripts/local-cluster.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

VERSION = os.environ.get("GOVSEARCH_OPENSEARCH_VERSION", "2.19.6")
HEAP = os.environ.get("GOVSEARCH_CLUSTER_HEAP", "384m")
START_TIMEOUT = 180.0


class ClusterUnavailable(RuntimeError):
    """What a local cluster needs is missing (Java, the distribution) or it did not start."""


def cluster_home() -> Path:
    """Where scripts/cluster-install puts the distribution (the same rule as the script)."""
    if os.environ.get("GOVSEARCH_CLUSTER_HOME"):
        return Path(os.environ["GOVSEARCH_CLUSTER_HOME"])
    if os.getuid() == 0:
        return Path("/var/cache/govsearch-cluster")
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "govsearch-cluster"


def distribution() -> Path:
    """The installed distribution, or ClusterUnavailable naming what is missing."""
    dist = cluster_home() / f"opensearch-{VERSION}"
    if not (dist / ".installed").is_file():
        raise ClusterUnavailable(f"OpenSearch {VERSION} is not installed at {dist} "
                                 f"(run scripts/cluster-install)")
    return dist


def java_home() -> Path:
    """The JDK the nodes run on: $JAVA_HOME, else the `java` on PATH."""
    if os.environ.get("JAVA_HOME"):
        return Path(os.environ["JAVA_HOME"])
    java = shutil.which("java")
    if java is None:
        raise ClusterUnavailable("java is not installed (OpenSearch needs Java 17)")
    return Path(os.path.realpath(java)).parent.parent


def free_ports(n: int) -> list[int]:
    """n ports free on 127.0.0.1 now (kept open together so they differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class Node:
    name: str
    http_port: int
    transport_port: int
    pid: int = 0


@dataclass
class LocalCluster:
    run_dir: Path
    nodes: list[Node] = field(default_factory=list)
    index: str = "govsearch"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.nodes[0].http_port}"

    @property
    def url(self) -> str:
        """The govsearch index URL (what --index / GOVSEARCH_INDEX take)."""
        return f"opensearch://127.0.0.1:{self.nodes[0].http_port}/{self.index}"

    def node_url(self, i: int) -> str:
        return f"opensearch://127.0.0.1:{self.nodes[i].http_port}/{self.index}"

    # --- lifecycle ---------------------------------------------------------

    @classmethod
    def start(cls, run_dir: Path, *, nodes: int = 2, name: str = "govsearch-local") -> LocalCluster:
        """Lay out and start `nodes` nodes in run_dir; returns once the cluster has them all."""
        dist, jdk = distribution(), java_home()
        run_dir.mkdir(parents=True, exist_ok=True)
        ports = free_ports(2 * nodes)
        cluster = cls(Path(run_dir), [Node(f"node-{i + 1}", ports[2 * i], ports[2 * i + 1])
                                      for i in range(nodes)])
        for i in range(nodes):
            cluster._lay_out(i, dist, name)
        _own(cluster.run_dir)
        for i in range(nodes):
            cluster._spawn(i, dist, jdk)
        cluster.save()
        try:
            cluster.wait(nodes)
        except ClusterUnavailable:
            cluster.stop()
            raise
        return cluster

    def _dir(self, i: int) -> Path:
        return self.run_dir / self.nodes[i].name

    def _lay_out(self, i: int, dist: Path, name: str) -> None:
        node, home = self.nodes[i], self._dir(i)
        conf = home / "config"
        if conf.exists():
            return  # a restart keeps the node's data and configuration
        shutil.copytree(dist / "config", conf)
        for sub in ("data", "logs", "tmp"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        # The stock jvm.options writes the GC log and heap dumps relative to
        # the distribution, which the node's user may not write: per node.
        jvm = (conf / "jvm.options").read_text()
        jvm = jvm.replace("file=logs/", f"file={home}/logs/").replace("HeapDumpPath=data",
                                                                      f"HeapDumpPath={home}/data")
        jvm = jvm.replace("ErrorFile=logs/", f"ErrorFile={home}/logs/")
        jvm = "\n".join(line for line in jvm.splitlines() if not line.startswith(("-Xms", "-Xmx")))
        (conf / "jvm.options").write_text(jvm + f"\n-Xms{HEAP}\n-Xmx{HEAP}\n")
        seeds = ", ".join(f'"127.0.0.1:{n.transport_port}"' for n in self.nodes)
        managers = ", ".join(f'"{n.name}"' for n in self.nodes)
        (conf / "opensearch.yml").write_text(
            f"cluster.name: {name}\n"
            f"node.name: {node.name}\n"
            f"path.data: {home / 'data'}\n"
            f"path.logs: {home / 'logs'}\n"
            "network.host: 127.0.0.1\n"
            f"http.port: {node.http_port}\n"
            f"transport.port: {node.transport_port}\n"
            f"discovery.seed_hosts: [{seeds}]\n"
            f"cluster.initial_cluster_manager_nodes: [{managers}]\n"
            # a small machine's disk may be fuller than the default watermarks allow
            "cluster.routing.allocation.disk.threshold_enabled: false\n"
            "action.auto_create_index: false\n"
        )

    def _spawn(self, i: int, dist: Path, jdk: Path) -> None:
        home = self._dir(i)
        env = {**os.environ, "OPENSEARCH_JAVA_HOME": str(jdk), "OPENSEARCH_PATH_CONF": str(home / "config"),
               "OPENSEARCH_TMPDIR": str(home / "tmp")}
        env.pop("JAVA_HOME", None)
        env.pop("OPENSEARCH_JAVA_OPTS", None)
        cmd = [str(dist / "bin" / "opensearch"), "-q"]
        if os.getuid() == 0:
            cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + cmd
        log = open(home / "stdout.log", "ab")
        try:
            proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            log.close()
        self.nodes[i].pid = proc.pid

    def wait(self, nodes: int, timeout: float = START_TIMEOUT, via: int | None = None) -> None:
        """Until the cluster reports `nodes` nodes (asked of node `via`, else of any live one)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, node in enumerate(self.nodes):
                if via is not None and i != via:
                    continue
                if node.pid and not _alive(node.pid):
                    continue
                try:
                    r = httpx.get(f"http://127.0.0.1:{node.http_port}/_cluster/health",
                                  params={"wait_for_nodes": str(nodes), "timeout": "2s"}, timeout=5.0)
                    if r.status_code == 200 and r.json().get("number_of_nodes") == nodes:
                        return
                except httpx.HTTPError:
                    pass
            if not any(_alive(n.pid) for n in self.nodes if n.pid):
                raise ClusterUnavailable(f"every node exited; see {self.run_dir}/*/stdout.log\n"
                                         + self._tail())
            time.sleep(0.5)
        raise ClusterUnavailable(f"the cluster did not reach {nodes} nodes in {timeout:.0f} s; "
                                 f"see {self.run_dir}/*/logs\n" + self._tail())

    def _tail(self) -> str:
        out = []
        for i in range(len(self.nodes)):
            log = self._dir(i) / "stdout.log"
            if log.is_file():
                out += log.read_text(errors="replace").splitlines()[-5:]
        return "\n".join(out)

    def stop_node(self, i: int, timeout: float = 60.0) -> None:
        """Stop one node (SIGTERM, as a service manager would), and wait until its JVM is gone."""
        pid = self.nodes[i].pid
        if pid and _alive(pid):
            _signal(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _alive(pid):
                _signal(pid, signal.SIGKILL)
        self.nodes[i].pid = 0
        self.save()

    def start_node(self, i: int) -> None:
        """Start a stopped node again on its own data folder and ports."""
        self._spawn(i, distribution(), java_home())
        self.save()

    def stop(self) -> None:
        for i in range(len(self.nodes)):
            self.stop_node(i)

    # --- state file (for scripts/local-cluster stop|status) ----------------

    def save(self) -> None:
        state = {"index": self.index, "nodes": [asdict(n) for n in self.nodes]}
        (self.run_dir / "cluster.json").write_text(json.dumps(state, indent=1))

    @classmethod
    def load(cls, run_dir: Path) -> LocalCluster | None:
        try:
            state = json.loads((run_dir / "cluster.json").read_text())
        except (OSError, ValueError):
            return None
        return cls(run_dir, [Node(**n) for n in state["nodes"]], state.get("index", "govsearch"))

    def running(self) -> list[bool]:
        return [bool(n.pid) and _alive(n.pid) for n in self.nodes]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child of ours has exited: reap it
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return True


def _signal(pid: int, sig: int) -> None:
    # the node's own process group (start_new_session): the launcher script and its JVM
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def _own(path: Path) -> None:
    """Under root, hand the run folder to nobody, whom the nodes run as."""
    if os.getuid() != 0:
        return
    import grp
    import pwd
    uid, gid = pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid)


# --- scripts/local-cluster ---------------------------------------------------

def _default_run_dir() -> Path:
    return cluster_home() / "local"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("start", "stop", "status"):
        print("usage: scripts/local-cluster start|stop|status", file=sys.stderr)
        return 2
    run_dir = Path(os.environ.get("GOVSEARCH_LOCAL_CLUSTER_DIR") or _default_run_dir())
    existing = LocalCluster.load(run_dir)
    if args[0] == "start":
        if existing is not None and any(existing.running()):
            print(f"already running: {existing.url}")
            return 0
        if run_dir.exists():
            shutil.rmtree(run_dir)
        t0 = time.monotonic()
        try:
            cluster = LocalCluster.start(run_dir, nodes=2)
        except ClusterUnavailable as e:
            print(f"error: {e}", file=sys.stderr)
            return 3
        print(f"started 2 nodes in {time.monotonic() - t0:.0f} s; data in {run_dir}", file=sys.stderr)
        print(cluster.url)
        return 0
    if existing is None:
        print("no local cluster", file=sys.stderr)
        return 1 if args[0] == "status" else 0
    if args[0] == "stop":
        existing.stop()
        print("stopped", file=sys.stderr)
        return 0
    up = existing.running()
    for node, alive in zip(existing.nodes, up):
        print(f"{node.name}\thttp 127.0.0.1:{node.http_port}\t{'running' if alive else 'stopped'}")
    if any(up):
        print(existing.url)
    return 0 if all(up) else 1


if __name__ == "__main__":
    raise SystemExit(main())
