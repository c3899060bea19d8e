"""gunicorn's settings (read from the working directory; the command line overrides them).

Workers: gunicorn reads WEB_CONCURRENCY itself (default 1). Prometheus multiprocess mode
(PROMETHEUS_MULTIPROC_DIR): a worker that exits leaves its files behind; its live gauges are
dropped here, its counters stay counted.
"""

bind = "0.0.0.0:8000"
threads = 4
timeout = 60
# One instance per container or machine; the control socket's fixed path would be shared.
control_socket_disable = True


def child_exit(server, worker):
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
