"""The renderer's child process dies with the worker that started it."""

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A worker that starts a long render (about a minute of WeasyPrint work) and waits for it.
WORKER = textwrap.dedent(
    """
    import socket
    import sys
    from dossier import rendering
    # Stands in for the worker's database connection.
    database = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    rows = "".join(f"<tr><td>{i}</td><td>{'x ' * 40}</td></tr>" for i in range(40000))
    job = rendering.RenderJob(
        html=f"<html><body><table>{rows}</table></body></html>",
        attachment=b"{}", base_url="file:///", verify=False,
    )
    print("rendering", flush=True)
    rendering.render_with_time_limit(job, timeout=600)
    """
)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def sockets_of(pid: int) -> set[str]:
    links = set()
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        try:
            links.add(os.readlink(entry))
        except OSError:
            continue
    return {link for link in links if link.startswith("socket:")}


def test_a_killed_worker_leaves_no_renderer_behind():
    """The renderer holds none of the worker's sockets (its database connection) and dies when
    the worker is killed."""
    server = socket.create_server(("127.0.0.1", 0))
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", WORKER, str(server.getsockname()[1])],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stdout.readline().strip() == "rendering"
        deadline = time.monotonic() + 20
        renderers = []
        while not renderers and time.monotonic() < deadline:
            renderers = children_of(worker.pid)
            time.sleep(0.05)
        assert renderers, "the renderer did not start"
        time.sleep(0.3)  # let it close what it inherited
        database_socket = sockets_of(worker.pid)
        assert database_socket
        for pid in renderers:
            assert not sockets_of(pid) & database_socket
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(5)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in renderers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in renderers)
    finally:
        if worker.poll() is None:
            worker.kill()
        for pid in children_of(worker.pid):
            os.kill(pid, signal.SIGKILL)
        server.close()
