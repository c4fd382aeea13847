import type { Logger } from './log';

/** A started OpenTelemetry SDK. */
export interface Tracing {
  /** Ends the SDK, exporting the spans still buffered; gives up after `timeoutMs`. */
  shutdown(timeoutMs?: number): Promise<void>;
}

/** Traces are on when this is set (docs/tracing.md); with it unset nothing of the SDK is loaded. */
export const TRACING_SWITCH = 'OTEL_EXPORTER_OTLP_ENDPOINT';

/** Whether `env` asks for traces. */
export function tracingWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env[TRACING_SWITCH] ?? '').trim() !== '';
}

/**
 * Starts OpenTelemetry when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, else does
 * nothing and loads nothing. Must run before `http`, `express` and `graphql`
 * are first required (src/main.ts loads the server only after it), or their
 * instrumentations see nothing. `env` is the configuration's environment: the
 * `OTEL_*` variables of a `.env` file count as if they were set, as every
 * other variable of the subgraph does.
 */
export async function startTracing(
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<Tracing | undefined> {
  if (!tracingWanted(env)) return undefined;
  // The SDK reads its standard variables from process.env itself.
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('OTEL_') && value !== undefined && process.env[key] === undefined) process.env[key] = value;
  }
  const { startSdk } = await import('./tracing-sdk');
  return startSdk(logger);
}
