"""Request ids, JSON logs and the Prometheus metrics of docs/http.md."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.metrics import MetricWrapperBase

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

M = TypeVar("M", bound=MetricWrapperBase)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The gateway's metrics, on a registry of their own so that several apps can live in one process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.graphql_requests = Counter(
            "graphql_requests_total",
            "GraphQL requests answered",
            ["operation_type", "outcome"],
            registry=self.registry,
        )
        self.graphql_duration = Histogram(
            "graphql_request_duration_seconds",
            "Whole GraphQL request",
            ["operation_type"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.region_statements = Counter(
            "region_backend_statements_total",
            "Statements sent to a region's store (the N+1 meter)",
            ["region"],
            registry=self.registry,
        )
        self.region_duration = Histogram(
            "region_backend_duration_seconds",
            "One call to a region's backend",
            ["region"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.region_errors = Counter(
            "region_backend_errors_total",
            "Failed region calls: timeouts, refused connections, open circuit",
            ["region", "kind"],
            registry=self.registry,
        )
        self.dataloader_batch_size = Histogram(
            "dataloader_batch_size",
            "Keys per dataloader batch",
            ["loader"],
            buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
            registry=self.registry,
        )
        self.cache_requests = Counter(
            "cache_requests_total",
            "Cache look-ups",
            ["cache", "result"],
            registry=self.registry,
        )
        self.directory_statements = Counter(
            "directory_statements_total",
            "Statements sent to the national directory",
            registry=self.registry,
        )
        self._children: dict[tuple[MetricWrapperBase, tuple[str, ...]], Any] = {}

    def labelled(self, metric: M, *values: str) -> M:
        """`metric.labels(*values)`, looked up once per set of values: `labels` takes a lock and builds
        its key on every call, on the path of every request."""
        key = (metric, values)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*values)
        return child


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, carrying the request id of the request being served."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            entry["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # One line per request comes from the gateway itself; uvicorn's access log would repeat it.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # Alembic says at INFO which database it found and each step of every run, applied or not; the gateway
    # logs a store it did migrate itself (Runtime.migrate), so only Alembic's warnings are worth a line.
    logging.getLogger("alembic").setLevel(logging.WARNING)
