"""Page benchmark: query counts and throughput of the main pages, measured, not guessed.

    .venv/bin/python bench/pages.py [--seconds 10] [--projects 40] [--scale]

Builds a throw-away SQLite database with the demo data plus N extra projects, prints the number
of SQL queries per page (they must not grow with the number of projects or answers), then serves
the app with gunicorn (2 workers) on 127.0.0.1 and loads each page with wrk (installed with apt),
next to /healthz as the ceiling of this machine in the same run. Only loopback traffic, bounded
in time. The pages: the dashboard, the project page (the demo project whose current stage has the
most items, on that stage), each of its other stage tabs, its team and history tabs, and the
guide. It stops when a page's queries grow with the projects. The last lines are
`dashboard_vs_healthz_ratio=<x>`, `project_vs_healthz_ratio=<x>` and `guide_vs_healthz_ratio=<x>`,
after those of the team and history tabs and the slowest stage tab. Each page is requested once
before it is timed, so a worker's first request (imports, template compilation, a cold cache) does
not count.

With `--scale`, it then builds two more databases with the same generator (`generate`), one of
100 and one of 10,000 projects in the five regions of the demo's tree (bulk inserts, the stored
progress included), and times the dashboard of a person on 20 projects and of a region-wide
innovation consultant (about a fifth of the projects) on each; the last lines are then
`dashboard_10000_vs_100=<x>` and `region_dashboard_10000_vs_100=<x>`, the ratios of their mean
latencies. With DATABASE_URL set to a PostgreSQL server, every database is a throw-away database
created (and dropped) on that server instead of a SQLite file. Without wrk, the load is made by
four Python threads (the mean latency at that concurrency).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
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


def throwaway_database(workdir: Path, name: str, created: list[str]) -> str:
    """A new, empty database for one run: a SQLite file, or a database on the PostgreSQL server
    of DATABASE_URL (its name noted in `created`, to be dropped at the end)."""
    base = ORIGINAL_DATABASE_URL
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / f'{name}.sqlite3'}"
    import psycopg

    parts = urllib.parse.urlsplit(base)
    database = f"{parts.path.lstrip('/') or 'postgres'}_bench_{name}_{os.getpid()}"
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')
    created.append(database)
    return parts._replace(path=f"/{database}").geturl()


def drop_databases(created: list[str]) -> None:
    if not created:
        return
    import psycopg

    parts = urllib.parse.urlsplit(ORIGINAL_DATABASE_URL)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        for database in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def bench_env(workdir: Path, database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "EVIDENCE_ROOT": str(workdir / "evidence"),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def seconds_of(text: str) -> float:
    """wrk's duration ("850.12us", "12.3ms", "1.2s", "2m") in seconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def load(url: str, cookie: str, seconds: int) -> tuple[float, float, int]:
    """(requests per second, mean latency in seconds, non-2xx answers) of `url` loaded by four
    connections for `seconds`: wrk when installed, else four Python threads."""
    if shutil.which("wrk"):
        command = ["wrk", "-t1", "-c4", f"-d{seconds}s", "-H", f"Cookie: {cookie}", url]
        out = subprocess.run(  # noqa: S603 (fixed arguments, a loopback URL)
            command, capture_output=True, text=True, check=True, timeout=seconds + 30
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        latency = seconds_of(re.search(r"Latency\s+([\d.]+\w+)", out).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return rate, latency, int(non2xx.group(1)) if non2xx else 0
    times: list[float] = []
    bad = [0]
    deadline = time.monotonic() + seconds

    def worker() -> None:
        request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
        while time.monotonic() < deadline:
            began = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    response.read()
            except OSError:
                bad[0] += 1
            times.append(time.monotonic() - began)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(times) / seconds, sum(times) / max(len(times), 1), bad[0]


def serve(env: dict):
    """gunicorn (2 workers) on a free loopback port, once it accepts connections."""
    port = free_port()
    # Fixed arguments only, no user input reaches these commands.
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-c", str(ROOT / "gunicorn.conf.py"),
         "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, port


def stop(server) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=10)


ORIGINAL_DATABASE_URL = os.environ.get("DATABASE_URL", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--projects", type=int, default=40)
    parser.add_argument("--scale", action="store_true", help="also time 100 vs 10,000 projects")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)  # the scale's child
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each line as it comes, also into a file
    if args.generate:
        generate(args.generate)
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    created: list[str] = []
    try:
        pages_bench(args, workdir, created)
        if args.scale:
            scale_bench(args, workdir, created)
    finally:
        drop_databases(created)
        shutil.rmtree(workdir, ignore_errors=True)


def pages_bench(args, workdir: Path, created: list[str]) -> None:
    env = bench_env(workdir, throwaway_database(workdir, "pages", created))
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
    # The demo project whose current stage has the most items: the heaviest project page.
    project = max(
        Project.objects.select_related("pathway").order_by("pk"),
        key=lambda p: p.current_stage.items.count() if p.current_stage else -1,
    )

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
        "team": f"/projects/{project.pk}/team/",
        "history": f"/projects/{project.pk}/history/",
    }
    # Every other stage tab of the same project (its earlier stages show what was answered).
    current_key = project.current_stage.key
    for stage in project.stages:
        if stage.key != current_key:
            pages[f"stage {stage.key}"] = f"/projects/{project.pk}/stages/{stage.key}/"
    print(f"project page: {project.title} on {current_key} ({len(project.stages)} stages)")
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
    grown = [name for name in pages if after[name] > before[name]]
    if grown:
        raise SystemExit(f"queries grow with the number of projects: {', '.join(grown)}")
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    connection.close()

    server, port = serve(env)
    try:
        results = {}
        targets = {"healthz": "/healthz", **pages}
        for name, path in targets.items():
            warm_up(f"http://127.0.0.1:{port}{path}", cookie)
            rate, latency, non2xx = load(f"http://127.0.0.1:{port}{path}", cookie, args.seconds)
            results[name] = rate
            bad = f", {non2xx} non-2xx" if non2xx else ""
            print(f"throughput {name}: {rate:.0f} req/s, mean latency {latency * 1000:.2f}ms{bad}")
    finally:
        stop(server)
    ratios = {name: results[name] / results["healthz"] for name in pages}
    tabs = {name: ratio for name, ratio in ratios.items() if name.startswith("stage ")}
    for name, ratio in ratios.items():
        if name in tabs:
            print(f"ratio {name}: {ratio:.3f}")
    slowest = min(tabs, key=tabs.get) if tabs else None
    for name in ("team", "history"):
        print(f"{name}_vs_healthz_ratio={ratios[name]:.3f}")
    if slowest:
        print(f"slowest_stage_tab_vs_healthz_ratio={tabs[slowest]:.3f}  ({slowest})")
    for name in ("dashboard", "project", "guide"):
        print(f"{name}_vs_healthz_ratio={ratios[name]:.3f}")


# --- the national scale ------------------------------------------------------------------------

SIZES = (100, 10_000)
REGIONS = (
    "Region Syddanmark",
    "Region Midtjylland",
    "Region Hovedstaden",
    "Region Sjælland",
    "Region Nordjylland",
)
PERSON_PROJECTS = 20


def scale_bench(args, workdir: Path, created: list[str]) -> None:
    """Both sizes are generated, then served side by side and timed in turns (small, large,
    small, large), so that a change in the machine's load during the run touches both alike."""
    made: dict[int, dict] = {}
    envs: dict[int, dict] = {}
    for size in SIZES:
        envs[size] = bench_env(workdir, throwaway_database(workdir, f"scale{size}", created))
        # Fixed arguments only: this script, generating `size` projects into its own database.
        child = subprocess.run(  # noqa: S603
            [sys.executable, str(Path(__file__).resolve()), "--generate", str(size)],
            cwd=ROOT, env=envs[size], capture_output=True, text=True, check=False, timeout=900,
        )  # fmt: skip
        if child.returncode != 0:
            raise SystemExit(f"generating {size} projects failed:\n{child.stderr[-3000:]}")
        made[size] = found = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"scale {size}: generated {found['projects']} projects in {found['seconds']:.1f}s; "
            f"the person sees {found['person_sees']}, the region's consultant "
            f"{found['region_sees']} ({found['region_approvals']} awaiting approval); "
            f"dashboard queries {found['person_queries']} (person), "
            f"{found['region_queries']} (region)"
        )
    servers = {size: serve(envs[size]) for size in SIZES}
    latencies: dict[tuple[str, int], list[float]] = {}
    try:
        for size in SIZES:
            for who in ("person", "region"):
                warm_up(f"http://127.0.0.1:{servers[size][1]}/", made[size][f"{who}_cookie"])
        for _round in range(2):
            for who in ("person", "region"):
                for size in SIZES:
                    url = f"http://127.0.0.1:{servers[size][1]}/"
                    _rate, mean, non2xx = load(url, made[size][f"{who}_cookie"], args.seconds)
                    if non2xx:
                        raise SystemExit(f"the {who}'s dashboard answered {non2xx} errors")
                    latencies.setdefault((who, size), []).append(mean)
    finally:
        for server, _port in servers.values():
            stop(server)
    mean = {key: sum(values) / len(values) for key, values in latencies.items()}
    for (who, size), value in sorted(mean.items()):
        rounds = ", ".join(f"{v * 1000:.1f}" for v in latencies[who, size])
        print(f"scale {size}: dashboard ({who}) mean latency {value * 1000:.2f}ms ({rounds})")
    small, large = SIZES
    print(f"dashboard_{large}_vs_{small}={mean['person', large] / mean['person', small]:.3f}")
    print(
        f"region_dashboard_{large}_vs_{small}={mean['region', large] / mean['region', small]:.3f}"
    )


def generate(size: int) -> None:
    """Into the (empty) database of DATABASE_URL: the demo, then `size` projects spread over the
    five regions' departments with bulk inserts (memberships, answers to some items, a created
    entry in each journal, a few approval requests and the stored progress). Prints one JSON
    line: what was made, in how long, and the two people's session cookies."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("load_pathways", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0)
    began = time.monotonic()
    made = bulk_projects(size)
    made["seconds"] = time.monotonic() - began

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for who in ("person", "region"):
        client = Client()
        client.force_login(made.pop(f"{who}_user"))
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/", HTTP_HOST="127.0.0.1")
        if response.status_code != 200:
            raise SystemExit(f"the {who}'s dashboard answered {response.status_code}")
        made[f"{who}_queries"] = len(ctx.captured_queries)
        made[f"{who}_cookie"] = f"sessionid={client.cookies['sessionid'].value}"
    print(json.dumps(made))


ANSWER_VALUES = {
    "yes_no_na": "yes",
    "number": "12",
    "date": "2026-01-15",
    "link": "https://example.org/notat",
}


def bulk_projects(size: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Organisation, OrganisationRole, User
    from checklists.models import ChecklistItem, Pathway
    from procurement.demo_data import ensure_organisations
    from procurement.journal import entry_hash
    from procurement.models import (
        Action,
        Answer,
        HistoryEntry,
        Membership,
        Project,
        ProjectProgress,
    )
    from procurement.progress import computed_progress

    nation = ensure_organisations()["Danmark"]
    departments: list[list[Organisation]] = []
    for name in REGIONS:
        region = Organisation.objects.filter(name=name).first()
        if region is None:
            region = Organisation(name=name, kind="region", parent=nation)
            region.save()
        units = []
        for h in range(2):
            hospital = Organisation(name=f"{name} hospital {h + 1}", kind="hospital", parent=region)
            hospital.save()
            for d in range(3):
                unit = Organisation(name=f"Afdeling {d + 1}", kind="department", parent=hospital)
                unit.save()
                units.append(unit)
        departments.append(units)
    owners = [
        User.objects.create(username=f"skala_ejer{r}", first_name=f"Ejer {r}", organisation=u[0])
        for r, u in enumerate(departments)
    ]
    person = User.objects.create(
        username="skala_person", first_name="Person", organisation=departments[0][0]
    )
    region_one = departments[0][0].parent.parent
    regional = User.objects.create(
        username="skala_region", first_name="Regional", organisation=region_one
    )
    OrganisationRole.objects.create(
        user=regional, organisation=region_one, role="innovation_consultant"
    )
    pathway = Pathway.latest("indkoeb-ce-maerket-ai")
    stages = list(pathway.stages.order_by("order"))[:3]
    items = {
        stage.pk: [
            item
            for item in ChecklistItem.objects.filter(stage=stage).order_by("order", "pk")
            if item.answer_type != "evidence"
        ]
        for stage in stages
    }
    now = timezone.now()
    per_region = size // len(REGIONS)
    approvals = max(1, per_region // 100)
    projects = []
    for index in range(size):
        region, rank = index % len(REGIONS), index // len(REGIONS)
        unit = departments[region][rank % 6]
        asked = rank < approvals
        projects.append(
            Project(
                organisation=unit,
                pathway=pathway,
                title=f"Skala {index}",
                clinical_need="Et klinisk behov.",
                department=unit.name,
                owner=owners[region],
                state=stages[0 if asked else (rank // 6) % len(stages)].key,
                approval_requested_by=owners[region] if asked else None,
                approval_requested_at=now if asked else None,
            )
        )
    with transaction.atomic():
        Project.objects.bulk_create(projects, batch_size=1000)
        stage_of = {stage.key: stage for stage in stages}
        memberships, answers, entries = [], [], []
        # The person is a lawyer on 20 of the first region's projects, spread over it.
        step = max(1, per_region // PERSON_PROJECTS)
        for index, project in enumerate(projects):
            region, rank = index % len(REGIONS), index // len(REGIONS)
            memberships.append(Membership(project=project, user=project.owner, role="clinician"))
            if region == 0 and rank % step == 0 and rank // step < PERSON_PROJECTS:
                memberships.append(Membership(project=project, user=person, role="lawyer"))
            stage_items = items[stage_of[project.state].pk]
            # Half the stage's items answered; every one where approval was asked for.
            answered = stage_items if project.approval_requested_by_id else stage_items[::2]
            for item in answered:
                value = ANSWER_VALUES.get(item.answer_type, "Svar")
                if item.answer_type == "choice" and item.choices:
                    value = item.choices[0]["key"]
                answers.append(
                    Answer(project=project, item=item, value=value, answered_by=project.owner)
                )
            entry = HistoryEntry(
                project_id=project.pk, seq=1, action=Action.CREATED, by_id=project.owner_id,
                at=now, stage_key=stages[0].key, from_state="", to_state=project.state,
                after={"title": project.title, "pathway": pathway.slug,
                       "version": pathway.version},
                prev_hash="", via=None,
            )  # fmt: skip
            entry.hash = entry_hash(entry)
            entries.append(entry)
        Membership.objects.bulk_create(memberships, batch_size=2000)
        Answer.objects.bulk_create(answers, batch_size=2000)
        HistoryEntry.objects.bulk_create(entries, batch_size=2000)
        progress = []
        for start in range(0, size, 500):
            batch = projects[start : start + 500]
            for project_id, fields in computed_progress(batch).items():
                progress.append(ProjectProgress(project_id=project_id, **fields))
        ProjectProgress.objects.bulk_create(progress, batch_size=2000)
    return {
        "projects": size,
        "person_sees": Membership.objects.filter(user=person).count(),
        "region_sees": Project.objects.filter(
            organisation__path__startswith=region_one.path
        ).count(),
        "region_approvals": approvals,
        "person_user": person,
        "region_user": regional,
    }


if __name__ == "__main__":
    main()
