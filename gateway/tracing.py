"""Optional OpenTelemetry tracing: one span per request and one per region call, never per field."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

SERVICE_NAME = "provider-gateway"


def create_tracer(otel_endpoint: str | None) -> tuple[trace.Tracer, TracerProvider | None]:
    """A tracer exporting over OTLP/HTTP when an endpoint is configured; the API's no-op tracer otherwise."""
    if not otel_endpoint:
        return trace.NoOpTracer(), None
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    endpoint = otel_endpoint.rstrip("/")
    if not endpoint.endswith("/v1/traces"):
        endpoint += "/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider.get_tracer("gateway"), provider
