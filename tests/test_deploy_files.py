"""The deployment files, checked by reading them (container tooling need not run here): every
setting the Dockerfile and compose.yaml pass is one config/settings.py reads, every setting is
explained in docs/deploy.md, and the files have the shape operations rely on."""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# Read by the interpreter, pip or fontconfig, not by the app.
PROCESS_VARIABLES = {
    "PATH",
    "XDG_CACHE_HOME",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PIP_DISABLE_PIP_VERSION_CHECK",
    "PIP_NO_CACHE_DIR",
}
READS = re.compile(
    r'(?:os\.environ\.get\(|os\.environ\[|env_bool\(|env_list\(|env=)\s*"([A-Z0-9_]+)"'
)


def settings_names() -> set[str]:
    return set(READS.findall((ROOT / "config" / "settings.py").read_text(encoding="utf-8")))


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def app_services() -> dict[str, dict]:
    return {
        name: service
        for name, service in compose()["services"].items()
        if "build" in service or str(service.get("image", "")).startswith("guide")
    }


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def dockerfile_variables() -> set[str]:
    """Names set by ENV (KEY=value, also over continued lines) and inline on RUN lines."""
    text = dockerfile().replace("\\\n", " ")
    names = set()
    for line in text.splitlines():
        instruction, _, rest = line.strip().partition(" ")
        if instruction in ("ENV", "RUN"):
            for word in (
                shlex.split(rest, comments=False, posix=True)
                if instruction == "ENV"
                else rest.split()
            ):
                match = re.match(r"^([A-Z][A-Z0-9_]*)=", word)
                if match:
                    names.add(match.group(1))
    return names


def test_settings_are_found():
    names = settings_names()
    # The parser works: the names every deployment sets are among them.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "STORAGE_URL", "METRICS_TOKEN"} <= names


def test_compose_passes_only_settings_the_app_reads():
    names = settings_names()
    services = app_services()
    assert services
    for name, service in services.items():
        unknown = set(service.get("environment", {})) - names
        assert not unknown, f"compose.yaml {name} passes {sorted(unknown)}, unread by settings"


def test_the_dockerfile_sets_only_settings_the_app_reads():
    unknown = dockerfile_variables() - settings_names() - PROCESS_VARIABLES
    assert not unknown, f"Dockerfile sets {sorted(unknown)}, unread by config/settings.py"
    assert "DJANGO_STATIC_ROOT" in dockerfile_variables()


def test_every_setting_and_compose_variable_is_explained_in_the_deployment_guide():
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    # DJANGO_TESTING is the test suite's own switch.
    missing = {name for name in settings_names() - {"DJANGO_TESTING"} if f"`{name}`" not in guide}
    assert not missing, f"docs/deploy.md does not explain {sorted(missing)}"
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    interpolated = set(re.findall(r"\$\{([A-Z0-9_]+)", text))
    missing = {name for name in interpolated if f"`{name}`" not in guide}
    assert not missing, f"docs/deploy.md does not explain {sorted(missing)}"


def test_the_fleet_in_compose():
    services = compose()["services"]
    web = [name for name in services if name.startswith("web")]
    workers = [name for name in services if name.startswith("worker")]
    assert len(web) == 2 and len(workers) == 2
    assert {"db", "s3", "migrate"} <= set(services)
    migrate = services["migrate"]
    assert migrate["restart"] == "no"
    assert migrate["entrypoint"] + migrate["command"] == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]
    for name in web + workers:
        service = services[name]
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = service["environment"]
        assert env["DJANGO_DEBUG"] == "0" and env["STORAGE_URL"].startswith("s3://")
        # Files and sessions are shared: nothing in a container's own disk.
        assert not any("var" in str(volume) for volume in service.get("volumes", []))
    for name in workers:
        assert "db_worker" in " ".join(services[name]["entrypoint"])
        assert "reap_tasks" in " ".join(services[name]["entrypoint"])
    for name in web:
        assert "PROMETHEUS_MULTIPROC_DIR" in services[name]["environment"]
        assert "readyz" in " ".join(services[name]["healthcheck"]["test"])
    # Every app service gets the same settings.
    environments = [
        {k: v for k, v in s["environment"].items() if k != "PROMETHEUS_MULTIPROC_DIR"}
        for s in app_services().values()
    ]
    assert all(environment == environments[0] for environment in environments)


def test_the_dockerfile():
    text = dockerfile()
    stages = re.findall(r"^FROM (\S+)", text, flags=re.MULTILINE)
    assert len(stages) >= 2, "multi-stage"
    users = re.findall(r"^USER (\S+)", text, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0"), "runs as a user without rights"
    assert re.search(r"^ENTRYPOINT \[\"gunicorn\"\]", text, flags=re.MULTILINE)
    assert "collectstatic --noinput" in text
    # What WeasyPrint needs: the runtime packages of scripts/system-deps.sh, gettext aside.
    deps = (ROOT / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    runtime = re.search(r"runtime_pkgs=\((.*?)\)", deps, flags=re.DOTALL).group(1)
    packages = {line.split()[0] for line in runtime.strip().splitlines()} - {"gettext"}
    runtime_stage = text.rsplit("\nFROM ", 1)[1]
    for package in packages:
        assert package in runtime_stage, f"{package} missing from the runtime image"


@pytest.mark.parametrize(
    "name", ["compose.yaml", "Dockerfile", ".dockerignore", "gunicorn.conf.py"]
)
def test_the_files_exist(name):
    assert (ROOT / name).is_file()


def test_the_readme_links_to_the_deployment_guide():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/deploy.md" in readme
    assert "shared `EVIDENCE_ROOT`" not in readme


def test_sessions_are_shared_by_every_process(settings):
    """A login on one web process must hold on every other: sessions in the database (or a
    shared cache), never in one process's memory or on one machine's disk."""
    assert settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    )


def _gunicorn_conf(monkeypatch, threads: str | None) -> dict:
    import runpy

    if threads is None:
        monkeypatch.delenv("WEB_THREADS", raising=False)
    else:
        monkeypatch.setenv("WEB_THREADS", threads)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_runs_one_thread_per_worker_unless_told(monkeypatch):
    """Threads share a worker's core: 4 made every page about 3 times slower (bench/pages.py),
    so the default is 1 and WEB_THREADS raises it."""
    assert _gunicorn_conf(monkeypatch, None)["threads"] == 1
    assert _gunicorn_conf(monkeypatch, "4")["threads"] == 4
    for wrong in ("0", "-1", "four", "100"):
        with pytest.raises(SystemExit, match="WEB_THREADS"):
            _gunicorn_conf(monkeypatch, wrong)
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "`WEB_THREADS`" in guide
