#!/usr/bin/env python
"""The product as a fleet on one machine: PostgreSQL (DATABASE_URL), an S3-compatible store
(moto's server on 127.0.0.1), two gunicorn instances on their own ports and two `db_worker`
processes, all with production settings (DEBUG off, files in the bucket, JSON logs).

What it checks, each printed with its figures:
  1. sessions: a login on instance A works on B; requests alternate between the two;
  2. files: evidence uploaded through A is downloaded through B with the same SHA-256, and the
     object is in the bucket under its real name (no `.part` left);
  3. 32 dossiers asked for at once (half through A, half through B) are each rendered exactly
     once: one version, one attempt, one task, one journal entry and one object each; every one
     downloads with its SHA-256 through the other instance;
  4. a worker killed with SIGKILL in the middle of a render: `reap_tasks --retry` (the cron
     line) hands its job to the other worker, which makes the one dossier; no job is left
     RUNNING and `clean_orphans` finds no object no row points to;
  5. /readyz answers 200 on both instances and /metrics counts what happened.

It ends with the line `fleet: ok` only when every check held (exit 0); otherwise it says which
failed and exits 1. Usage:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fleet_db .venv/bin/python bench/fleet.py

The database must exist and be empty or hold only this app (it is migrated and seeded with the
demo data: use a database of its own). Takes about two minutes on two cores.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import requests  # noqa: E402

from tests.object_storage import KEY, create_bucket, free_port, start_moto, storage_url  # noqa: E402

PYTHON = sys.executable
BUCKET = "fleet"
DOSSIERS_AT_ONCE = 32
TIME_LIMIT = 300
PASSWORD = "demo"  # noqa: S105 - the demo users' published password
USER = "kliniker"

# Made in the database by `manage.py shell` (the app's own services): the projects the checks
# use, and their URLs.
SETUP = """
import json
from django.urls import reverse
from accounts.models import User
from checklists.models import AnswerType, Pathway
from procurement import services
from procurement.models import Project

owner = User.objects.get(username="kliniker")
pathway = Pathway.objects.filter(slug="indkoeb-ce-maerket-ai").order_by("-version").first()
projects = [
    services.create_project(
        by=owner, pathway=pathway, title=f"Flåde {n:02d}", clinical_need="Kortere ventetid.",
        department="Radiologi",
    )
    for n in range(COUNT)
]
# Evidence goes to the first demo project whose current stage asks for a file.
for first in Project.objects.filter(owner=owner).exclude(pk__in=[p.pk for p in projects]):
    stage = first.current_stage
    item = stage and stage.items.filter(answer_type=AnswerType.EVIDENCE).order_by("order").first()
    if item:
        break
else:
    raise SystemExit("no demo project asks for a file in its current stage")
print(json.dumps({
    "projects": [p.pk for p in projects],
    "evidence_project": first.pk,
    "answer_url": reverse("answer_save", args=[first.pk, item.pk]),
    "field": f"item{item.pk}-value",
}))
"""


class Fleet:
    def __init__(self, database_url: str):
        self.database_url = database_url
        self.workdir = Path(tempfile.mkdtemp(prefix="fleet-"))
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.failures: list[str] = []
        self.started = time.monotonic()

    # --- processes ---------------------------------------------------------------------------

    def start_store(self) -> None:
        port = free_port()
        self.processes["s3"] = start_moto(port)
        self.endpoint = f"http://127.0.0.1:{port}"
        create_bucket(self.endpoint, BUCKET)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))},
            "DATABASE_URL": self.database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_STATIC_ROOT": str(self.workdir / "static"),
            "STORAGE_URL": storage_url(self.endpoint, BUCKET),
            "AWS_ACCESS_KEY_ID": KEY,
            "AWS_SECRET_ACCESS_KEY": KEY,
            "FILE_UPLOAD_TEMP_DIR": str(self.workdir / "uploads"),
            "METRICS_TOKEN": secrets.token_urlsafe(32),
            "PROMETHEUS_MULTIPROC_DIR": str(self.workdir / "metrics"),
            "LOG_FORMAT": "json",
            "PYTHONUNBUFFERED": "1",
        }
        (self.workdir / "metrics").mkdir()

    def manage(self, *args: str, timeout: float = 240) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def timed(self, *args: str) -> None:
        started = time.monotonic()
        self.manage(*args)
        print(f"setup: {args[0]} {time.monotonic() - started:.1f} s", flush=True)

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = self.workdir / f"{name}.log"
        self.logs[name] = log
        with open(log, "wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        self.processes[name] = process
        return process

    def start_web(self, name: str) -> str:
        port = free_port()
        self.spawn(
            name,
            [PYTHON, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--threads", "4", "--timeout", "60", "--no-control-socket"],
        )  # fmt: skip
        return f"http://127.0.0.1:{port}"

    def start_worker(self, name: str) -> subprocess.Popen:
        return self.spawn(
            name,
            [PYTHON, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.2", "--worker-id", f"{name}-{os.getpid()}"],
        )  # fmt: skip

    def wait_ready(self, base: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                response = requests.get(f"{base}/readyz", timeout=5)
                if response.status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{base} did not become ready")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    # --- reporting ---------------------------------------------------------------------------

    def check(self, condition: bool, what: str) -> bool:
        print(f"  [{'ok' if condition else 'FAILED'}] {what}", flush=True)
        if not condition:
            self.failures.append(what)
        return condition

    def elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.1f} s"

    # --- database ----------------------------------------------------------------------------

    def query(self, sql: str, *params):
        with psycopg.connect(self.database_url, autocommit=True) as db:
            return db.execute(sql, params).fetchall()


def logged_in(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=30).raise_for_status()
    response = session.post(
        f"{base}/accounts/login/",
        data={
            "username": USER,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=30,
    )
    if response.status_code != 302:
        raise RuntimeError(f"login failed with {response.status_code}")
    return session


def post(session: requests.Session, url: str, **kwargs) -> requests.Response:
    headers = {"X-CSRFToken": session.cookies["csrftoken"], **kwargs.pop("headers", {})}
    return session.post(url, headers=headers, allow_redirects=False, timeout=60, **kwargs)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def wait_for(condition, *, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    return condition()


# --- the checks ------------------------------------------------------------------------------


def check_sessions(fleet: Fleet, a: str, b: str) -> requests.Session:
    print("sessions")
    session = logged_in(a)
    codes = {a: [], b: []}
    for n in range(20):
        base = (a, b)[n % 2]
        codes[base].append(session.get(f"{base}/", allow_redirects=False, timeout=30).status_code)
    fleet.check(
        all(code == 200 for code in codes[a] + codes[b]),
        f"logged in on A; 20 requests alternating A/B all 200 (A {codes[a].count(200)}/10, "
        f"B {codes[b].count(200)}/10)",
    )
    return session


def check_files(fleet: Fleet, session: requests.Session, a: str, b: str, setup: dict) -> None:
    print("files")
    before = fleet.query("SELECT coalesce(max(id), 0) FROM procurement_evidence")[0][0]
    content = b"%PDF-1.4\n% fleet evidence\n" + os.urandom(200_000) + b"\n%%EOF\n"
    response = post(
        session,
        a + setup["answer_url"],
        files={setup["field"]: ("Risikovurdering æøå.pdf", content, "application/pdf")},
        headers={"HX-Request": "true"},
    )
    fleet.check(
        response.status_code == 200, f"evidence uploaded through A ({response.status_code})"
    )
    rows = fleet.query(
        "SELECT id, stored_name, sha256 FROM procurement_evidence WHERE id > %s",
        before,
    )
    if not fleet.check(len(rows) == 1, f"one evidence row ({len(rows)})"):
        return
    evidence_id, stored_name, recorded = rows[0]
    download = session.get(
        f"{b}/projects/{setup['evidence_project']}/evidence/{evidence_id}/", timeout=30
    )
    fleet.check(
        download.status_code == 200 and sha256(download.content) == recorded == sha256(content),
        f"downloaded through B: {len(download.content)} bytes, SHA-256 {recorded[:16]}… matches",
    )
    project = setup["evidence_project"]
    keys = bucket_keys(fleet, f"evidence/{project}/")
    fleet.check(
        f"evidence/{project}/{stored_name}" in keys and not any(k.endswith(".part") for k in keys),
        f"in the bucket under its real name, no .part ({len(keys)} objects of the project)",
    )


def bucket_keys(fleet: Fleet, prefix: str) -> list[str]:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=fleet.endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY,
        aws_secret_access_key=KEY,
    )
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys += [entry["Key"] for entry in page.get("Contents", ())]
    return sorted(keys)


def check_dossiers_at_once(
    fleet: Fleet, session: requests.Session, a: str, b: str, projects: list[int]
) -> None:
    print(f"{len(projects)} dossiers at once")
    started = time.monotonic()

    def ask(n_project):
        n, project = n_project
        base = (a, b)[n % 2]
        return post(session, f"{base}/projects/{project}/dossier/generate/").status_code

    with concurrent.futures.ThreadPoolExecutor(len(projects)) as pool:
        codes = list(pool.map(ask, enumerate(projects)))
    asked = time.monotonic() - started
    fleet.check(
        codes.count(302) == len(projects), f"{codes.count(302)} requests accepted in {asked:.1f} s"
    )

    def finished():
        rows = fleet.query(
            "SELECT count(*) FROM dossier_dossierrequest WHERE project_id = ANY(%s) "
            "AND status IN ('done', 'failed')",
            projects,
        )
        return rows[0][0] == len(projects)

    wait_for(finished, timeout=200, interval=0.5)
    took = time.monotonic() - started
    rows = fleet.query(
        "SELECT r.project_id, r.status, r.attempts, r.worker, "
        "(SELECT count(*) FROM dossier_dossierversion v WHERE v.request_id = r.id) "
        "FROM dossier_dossierrequest r WHERE r.project_id = ANY(%s)",
        projects,
    )
    fleet.check(
        len(rows) == len(projects) and all(r[1] == "done" for r in rows),
        f"{sum(r[1] == 'done' for r in rows)}/{len(projects)} done in {took:.1f} s "
        f"({took / len(projects):.2f} s per dossier with two workers)",
    )
    fleet.check(
        all(r[2] == 1 and r[4] == 1 for r in rows),
        "each rendered exactly once: one attempt and one version per request",
    )
    by_worker: dict[str, int] = {}
    for row in rows:
        pid = row[3].rsplit(":", 2)[1] if row[3] else "?"
        by_worker[pid] = by_worker.get(pid, 0) + 1
    fleet.check(len(by_worker) == 2, f"both workers rendered: {sorted(by_worker.values())}")
    tasks = fleet.query(
        "SELECT status, count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path = 'dossier.tasks.generate_dossier' AND args_kwargs->'args'->>0 IN "
        "(SELECT id::text FROM dossier_dossierrequest WHERE project_id = ANY(%s)) "
        "GROUP BY status",
        projects,
    )
    fleet.check(
        dict(tasks) == {"SUCCESSFUL": len(projects)}, f"one successful task each: {dict(tasks)}"
    )
    journal = fleet.query(
        "SELECT project_id, count(*) FROM procurement_historyentry WHERE project_id = ANY(%s) "
        "AND action = 'dossier_generated' GROUP BY project_id",
        projects,
    )
    fleet.check(
        len(journal) == len(projects) and all(count == 1 for _p, count in journal),
        "one journal entry each",
    )
    keys = [key for key in bucket_keys(fleet, "dossiers/") if int(key.split("/")[1]) in projects]
    fleet.check(len(keys) == len(projects), f"{len(keys)} objects in the bucket")
    versions = fleet.query(
        "SELECT project_id, id, sha256 FROM dossier_dossierversion WHERE project_id = ANY(%s)",
        projects,
    )
    good = 0
    for n, (project, version, recorded) in enumerate(versions):
        base = (b, a)[n % 2]  # the other instance than the one asked
        response = session.get(f"{base}/projects/{project}/dossier/{version}/download/", timeout=60)
        good += response.status_code == 200 and sha256(response.content) == recorded
    fleet.check(good == len(projects), f"{good} downloaded with their SHA-256, crosswise")


def check_killed_worker(fleet: Fleet, session: requests.Session, a: str, project: int) -> None:
    print("a worker killed with SIGKILL mid-render")
    workers = {str(fleet.processes[name].pid): name for name in ("worker-1", "worker-2")}
    response = post(session, f"{a}/projects/{project}/dossier/generate/")
    fleet.check(response.status_code == 302, f"dossier asked for ({response.status_code})")

    def rendering():
        rows = fleet.query(
            "SELECT id, worker FROM dossier_dossierrequest WHERE project_id = %s "
            "AND status = 'running' AND step = 'rendering' ORDER BY number DESC LIMIT 1",
            project,
        )
        return rows[0] if rows else None

    found = wait_for(rendering, timeout=60, interval=0.005)
    if not fleet.check(found is not None, "caught the job while rendering"):
        return
    request_id, worker = found
    pid = worker.rsplit(":", 2)[1]
    if not fleet.check(pid in workers, f"the job runs in {workers.get(pid, pid)}"):
        return
    os.kill(int(pid), signal.SIGKILL)
    fleet.processes[workers[pid]].wait(timeout=10)
    killed_at = time.monotonic()
    versions = fleet.query(
        "SELECT count(*) FROM dossier_dossierversion WHERE request_id = %s", request_id
    )
    fleet.check(versions[0][0] == 0, f"killed {workers[pid]} before it stored anything")
    output = fleet.manage("reap_tasks", "--retry")
    fleet.check(
        "1 dossier job(s) queued again" in output, f"reap_tasks --retry: {output.strip()!r}"
    )

    def done():
        rows = fleet.query(
            "SELECT status, attempts, worker FROM dossier_dossierrequest WHERE id = %s",
            request_id,
        )
        return rows[0] if rows and rows[0][0] in ("done", "failed") else None

    final = wait_for(done, timeout=120, interval=0.2)
    survivor = {name for name in workers.values() if name != workers[pid]}.pop()
    fleet.check(
        final is not None
        and final[0] == "done"
        and final[1] == 2
        and workers.get(final[2].rsplit(":", 2)[1]) == survivor,
        f"retried by {survivor}: {final and final[:2]}, "
        f"{time.monotonic() - killed_at:.1f} s after the kill",
    )
    versions = fleet.query(
        "SELECT count(*) FROM dossier_dossierversion WHERE project_id = %s", project
    )
    fleet.check(versions[0][0] == 1, f"one dossier ({versions[0][0]})")
    running = fleet.query(
        "SELECT (SELECT count(*) FROM dossier_dossierrequest WHERE status = 'running') + "
        "(SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING')"
    )
    fleet.check(running[0][0] == 0, f"no job left RUNNING ({running[0][0]})")
    orphans = fleet.manage("clean_orphans", "--min-age-minutes", "0")
    fleet.check(
        orphans.strip().endswith("0 orphaned file(s) found (dry run; --delete removes them)."),
        f"clean_orphans: {orphans.strip().splitlines()[-1]!r}",
    )


def check_health_and_metrics(fleet: Fleet, a: str, b: str) -> None:
    print("health and metrics")
    for name, base in (("A", a), ("B", b)):
        response = requests.get(f"{base}/readyz", timeout=30)
        fleet.check(response.status_code == 200, f"/readyz on {name}: {response.json()}")
    refused = requests.get(f"{a}/metrics", timeout=30).status_code
    fleet.check(refused in (403, 404), f"/metrics without the token: {refused}")
    response = requests.get(
        f"{b}/metrics",
        headers={"Authorization": f"Bearer {fleet.env['METRICS_TOKEN']}"},
        timeout=30,
    )
    text = response.text
    done = metric_total(text, 'guide_dossier_jobs{status="done"')
    views = metric_total(text, "django_http_requests_latency_seconds_by_view_method_count")
    fleet.check(
        response.status_code == 200 and done >= DOSSIERS_AT_ONCE + 1 and views > 0,
        f"/metrics with the token on B: {done:.0f} dossier jobs done (all workers, from the "
        f"database), {views:.0f} requests timed by view in B's processes",
    )


def metric_total(text: str, prefix: str) -> float:
    """The sum of the samples whose line starts with `prefix` (a name, or a name and labels)."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(prefix) and line[len(prefix)] in " {,}":
            total += float(line.rsplit(" ", 1)[1])
    return total


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if urlsplit(database_url).scheme not in ("postgres", "postgresql"):
        print("bench/fleet.py needs DATABASE_URL=postgres://... (a database of its own)")
        return 2
    fleet = Fleet(database_url)
    try:
        fleet.start_store()
        database = urlsplit(database_url).path[1:]
        print(f"setup: S3-compatible store on {fleet.endpoint}, database {database}")
        # collectstatic needs no database: it runs beside the database steps, and the web and
        # worker processes start while the demo data are seeded.
        static = fleet.spawn("collectstatic", [PYTHON, "manage.py", "collectstatic", "--noinput"])
        fleet.timed("migrate", "--noinput")
        fleet.timed("load_pathways")
        seed = fleet.spawn("seed_demo", [PYTHON, "manage.py", "seed_demo", "--force"])
        if static.wait(timeout=240) != 0:
            raise RuntimeError("collectstatic failed")
        fleet.manage("reap_tasks")
        a = fleet.start_web("web-a")
        b = fleet.start_web("web-b")
        fleet.start_worker("worker-1")
        fleet.start_worker("worker-2")
        if seed.wait(timeout=240) != 0:
            raise RuntimeError("seed_demo failed")
        print(f"setup: migrated, static files collected, demo seeded after {fleet.elapsed()}")
        setup = json.loads(
            fleet.manage("shell", "-c", SETUP.replace("COUNT", str(DOSSIERS_AT_ONCE + 1)))
            .strip()
            .splitlines()[-1]
        )
        fleet.wait_ready(a)
        fleet.wait_ready(b)
        print(
            f"setup: {DOSSIERS_AT_ONCE + 1} projects made; web A {a}, web B {b}, two workers, "
            f"ready after {fleet.elapsed()}"
        )
        session = check_sessions(fleet, a, b)
        check_files(fleet, session, a, b, setup)
        check_dossiers_at_once(fleet, session, a, b, setup["projects"][1:])
        check_killed_worker(fleet, session, a, setup["projects"][0])
        check_health_and_metrics(fleet, a, b)
    except Exception as exc:
        fleet.failures.append(f"{type(exc).__name__}: {exc}")
        print(f"ERROR: {type(exc).__name__}: {exc}", flush=True)
    finally:
        fleet.stop()
    total = time.monotonic() - fleet.started
    fleet.check(total < TIME_LIMIT, f"whole run {total:.1f} s (limit {TIME_LIMIT} s)")
    if fleet.failures:
        print(f"fleet: FAILED ({len(fleet.failures)}): " + "; ".join(fleet.failures))
        for name, log in fleet.logs.items():
            print(f"--- last lines of {name} ---")
            print("\n".join(log.read_text(errors="replace").splitlines()[-15:]))
    shutil.rmtree(fleet.workdir, ignore_errors=True)
    if fleet.failures:
        return 1
    print("fleet: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
