"""Page benchmark: query counts and throughput of the main pages, measured, not guessed.

    .venv/bin/python bench/pages.py [--seconds 10] [--projects 40]

Builds a throw-away SQLite database with the demo data plus N extra projects, prints the number
of SQL queries per page (they must not grow with the number of projects or answers), then serves
the app with gunicorn (2 workers) on 127.0.0.1 and loads each page with wrk (installed with apt),
next to /healthz as the ceiling of this machine in the same run. Only loopback traffic, bounded
in time. The last lines are `dashboard_vs_healthz_ratio=<x>`, `project_vs_healthz_ratio=<x>` and
`guide_vs_healthz_ratio=<x>`. Each page is requested once before it is timed, so a worker's first
request (imports, template compilation, a cold cache) does not count.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def warm_up(url: str, cookie: str) -> None:
    """Ask each of the two workers for the page until both have answered it (or a minute passed)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback URL)
    deadline = time.monotonic() + 60
    answered = 0
    while answered < 4 and time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
            answered += 1
        except OSError:
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--projects", type=int, default=40)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "EVIDENCE_ROOT": str(workdir / "evidence"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_pathways", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0)

    from accounts.models import User
    from checklists.models import Pathway
    from procurement import services
    from procurement.models import Project

    user = User.objects.get(username="konsulent")
    owner = User.objects.get(username="kliniker")
    admin = User.objects.get(username="admin")
    pathway = Pathway.latest("indkoeb-ce-maerket-ai")
    project = Project.objects.order_by("pk").first()

    def count(client, path):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return len(ctx.captured_queries)

    client = Client()
    client.force_login(user)
    pages = {
        "dashboard": "/",
        "project": f"/projects/{project.pk}/",
        "guide": f"/guide/{pathway.slug}/",
    }
    before = {name: count(client, path) for name, path in pages.items()}
    for index in range(args.projects):
        extra = services.create_project(
            by=owner, pathway=pathway, title=f"Bench {index}", clinical_need="x", department="y"
        )
        services.add_member(project=extra, by=admin, user=user, role="innovation_consultant")
    after = {name: count(client, path) for name, path in pages.items()}
    print(f"projects: {Project.objects.count()} (added {args.projects})")
    for name in pages:
        total = 4 + args.projects
        print(f"queries {name}: {before[name]} with 4 projects, {after[name]} with {total}")
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    port = free_port()
    # Fixed arguments only, no user input reaches these commands.
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-c", str(ROOT / "gunicorn.conf.py"),
         "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        results = {}
        targets = {"healthz": "/healthz", **pages}
        for name, path in targets.items():
            warm_up(f"http://127.0.0.1:{port}{path}", cookie)
            command = ["wrk", "-t1", "-c4", f"-d{args.seconds}s", "-H", f"Cookie: {cookie}",
                       f"http://127.0.0.1:{port}{path}"]  # fmt: skip
            out = subprocess.run(  # noqa: S603
                command,  # Debian's wrk on the PATH
                capture_output=True, text=True, check=True, timeout=args.seconds + 30,
            ).stdout  # fmt: skip
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
            latency = re.search(r"Latency\s+([\d.]+\w+)", out).group(1)
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            results[name] = rate
            bad = f", {non2xx.group(1)} non-2xx" if non2xx else ""
            print(f"throughput {name}: {rate:.0f} req/s, mean latency {latency}{bad}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    for name in pages:
        print(f"{name}_vs_healthz_ratio={results[name] / results['healthz']:.3f}")


if __name__ == "__main__":
    main()
