"""Prometheus metrics at /metrics (prometheus-client, with django-prometheus for the requests).

- `django_http_requests_*`, `django_http_responses_*`, latency histograms per view
  (`django_http_requests_latency_seconds_by_view_method`): django-prometheus's middlewares,
  counted per process;
- `guide_failed_logins_total`: wrong passwords and refused (locked-out) logins, per process;
- `guide_dossier_jobs{status}`, `guide_dossier_job_seconds` (histogram of finished jobs'
  durations, by outcome) and `guide_monitoring_alarms_total`: read from the database at each
  scrape, so they count the work of every worker, cron job and machine (the journal is
  append-only, so the alarm count only grows). Every instance reports the same fleet-wide
  value: aggregate them with max(), not sum().

With several processes per instance (gunicorn workers) prometheus-client's multiprocess mode is
needed: set PROMETHEUS_MULTIPROC_DIR to an empty folder of the instance's own (a tmpfs), emptied
before the instance starts; gunicorn.conf.py removes a dead worker's live gauges.

The endpoint is closed (404) unless METRICS_TOKEN (a bearer token) or METRICS_ALLOWED_IPS (client
addresses, as login throttling sees them) is set; then others get 403.
"""

from __future__ import annotations

import hmac
import os
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from accounts.client_address import client_address
from dossier.models import DossierRequest
from procurement.models import Action, HistoryEntry

FAILED_LOGINS = Counter(
    "guide_failed_logins",
    "Logins refused: wrong password, unknown user or locked out (django-axes).",
)
# Seconds; a dossier takes from about one second to the render time limit.
JOB_BUCKETS = (1, 2, 5, 10, 20, 30, 60, 120, 180, 300)


def count_failed_login(sender, credentials=None, request=None, **kwargs) -> None:
    """`user_login_failed` receiver: counts, and keeps nothing of the credentials."""
    FAILED_LOGINS.inc()


class DatabaseCollector:
    """Fleet-wide figures from the database, computed at each scrape (three small queries)."""

    def collect(self):
        jobs = GaugeMetricFamily(
            "guide_dossier_jobs", "Dossier jobs by status, all workers.", labels=["status"]
        )
        counts = dict(
            DossierRequest.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        for status in DossierRequest.Status.values:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs

        finished = DossierRequest.objects.filter(
            status__in=[DossierRequest.Status.DONE, DossierRequest.Status.FAILED],
            started_at__isnull=False,
            finished_at__isnull=False,
        ).annotate(took=ExpressionWrapper(F("finished_at") - F("started_at"), DurationField()))
        histogram = HistogramMetricFamily(
            "guide_dossier_job_seconds",
            "How long finished dossier jobs took, from start to end, all workers.",
            labels=["outcome"],
        )
        for outcome in (DossierRequest.Status.DONE, DossierRequest.Status.FAILED):
            rows = finished.filter(status=outcome)
            aggregates = {
                f"le_{bucket}": Count("pk", filter=Q(took__lte=_seconds(bucket)))
                for bucket in JOB_BUCKETS
            }
            totals = rows.aggregate(n=Count("pk"), total=Sum("took"), **aggregates)
            buckets = [(str(float(b)), totals[f"le_{b}"]) for b in JOB_BUCKETS]
            buckets.append(("+Inf", totals["n"]))
            total = totals["total"].total_seconds() if totals["total"] else 0.0
            histogram.add_metric([outcome], buckets, total)
        yield histogram

        alarms = CounterMetricFamily(
            "guide_monitoring_alarms",
            "Monitoring alarms raised (journal entries monitoring_alarm), all projects.",
        )
        alarms.add_metric([], HistoryEntry.objects.filter(action=Action.MONITORING_ALARM).count())
        yield alarms


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def exposition() -> bytes:
    """The text of /metrics: this instance's process metrics (all its processes in multiprocess
    mode) followed by the fleet-wide ones from the database."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector())
    return generate_latest(registry) + generate_latest(database)


def metrics_access(request) -> int:
    """200 when the request may read the metrics, 403 when it may not, 404 when metrics are
    not exposed at all (neither a token nor an allow-list set)."""
    token = settings.METRICS_TOKEN
    allowed = settings.METRICS_ALLOWED_IPS
    if not token and not allowed:
        return 404
    if token:
        header = request.headers.get("Authorization", "")
        scheme, _, offered = header.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(offered.strip(), token):
            return 200
    if allowed and client_address(request) in allowed:
        return 200
    return 403
