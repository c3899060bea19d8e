"""gunicorn's settings (read from the working directory; the command line overrides them).

Workers: gunicorn reads WEB_CONCURRENCY itself (default 1). Threads per worker: WEB_THREADS
(default 1). Pages are rendered in Python, so threads of one worker take turns on one core: with
4 threads bench/pages.py measured every page about 3 times slower on a 2-core machine (/healthz
1,110 -> 377 req/s, the dashboard 31 -> 11) than with 1. Scale with workers (one per core);
raise WEB_THREADS only where requests wait on something outside the process (a slow object
store). Prometheus multiprocess mode (PROMETHEUS_MULTIPROC_DIR): a worker that exits leaves its
files behind; its live gauges are dropped here, its counters stay counted.
"""

import os


def _threads() -> int:
    value = os.environ.get("WEB_THREADS", "1").strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise SystemExit(f"WEB_THREADS must be a whole number from 1 to 64, not {value!r}")
    return int(value)


bind = "0.0.0.0:8000"
threads = _threads()
timeout = 60
# One instance per container or machine; the control socket's fixed path would be shared.
control_socket_disable = True


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
