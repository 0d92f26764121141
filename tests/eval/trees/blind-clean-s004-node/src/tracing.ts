/**
 * OpenTelemetry bootstrap, preloaded with `node --require ./dist/tracing.js`
 * so instrumentation patches http, express, pg, ioredis and undici before
 * they are imported. Disabled unless an OTLP endpoint is configured; the
 * standard OTEL_* variables (service name, sampler, headers) apply.
 */
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;

function reportFlushError(err: unknown): void {
  process.stderr.write(`${JSON.stringify({ level: 'warn', msg: 'trace flush failed', err: String(err) })}\n`);
}

if (endpoint) {
  const sdk = new NodeSDK({
    traceExporter: new OTLPTraceExporter({ timeoutMillis: 5_000 }),
    instrumentations: [
      getNodeAutoInstrumentations({
        // Filesystem and DNS spans are noise for this service.
        '@opentelemetry/instrumentation-fs': { enabled: false },
        '@opentelemetry/instrumentation-dns': { enabled: false },
        '@opentelemetry/instrumentation-http': {
          ignoreIncomingRequestHook: (req) => req.url === '/healthz' || req.url === '/readyz',
        },
      }),
    ],
  });
  sdk.start();

  // Flush buffered spans on shutdown; the application's own SIGTERM handler
  // runs as well and calls process.exit when done.
  process.once('beforeExit', () => {
    sdk.shutdown().catch(reportFlushError);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      sdk.shutdown().catch(reportFlushError);
    });
  }
}
