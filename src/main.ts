import { ConfigError, environment, loadConfig } from './config/config';
import { createLogger, currentLog, useProcessLogger } from './observability/log';
import { startTracing } from './observability/tracing';
// No static import of './server': it loads http, express and graphql, which tracing must see first.

async function main(): Promise<void> {
  let config;
  let env;
  try {
    env = environment();
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      // The configuration names the log format; a bad one is told in the format asked for, if that much is valid.
      const startLog = createLogger({ level: 'info', format: process.env.LOG_FORMAT === 'pretty' ? 'pretty' : 'json' });
      // One line: pino would show the message's line breaks as `\n` inside its JSON.
      startLog.fatal(err.message.replace(/:\n\s+/, ': ').replace(/\n\s+/g, '; '));
      startLog.flush();
      process.exitCode = 1;
      return;
    }
    throw err;
  }
  const logger = createLogger(config.log);
  useProcessLogger(logger);
  // Node's warnings (a library's deprecation or support notice) become log lines, not free text on stderr.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ warning: warning.name }, warning.message));
  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; then started before the server's modules load.
  const tracing = await startTracing(env, logger);
  const { startServer } = await import('./server');
  let server;
  try {
    server = await startServer(config, { logger });
  } catch (err) {
    // Errors of the listen call name the variables that chose the address.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      logger.fatal(
        { code, port: config.port, host: config.host },
        `Cannot listen on HOST=${config.host} PORT=${config.port} (${code}); set PORT or HOST`,
      );
      logger.flush();
      process.exit(1);
    }
    throw err;
  }
  logger.info(
    { url: server.url, publicUrl: server.publicUrl },
    `product-media subgraph ready at ${server.url}/graphql (public URL ${server.publicUrl})`,
  );
  const shutdown = (signal: string) => {
    logger.info(`${signal} received: finishing in-flight requests`);
    server
      .stop()
      // The spans of the last requests are exported before the process ends.
      .then(
        () => tracing?.shutdown(),
        async (err: unknown) => {
          await tracing?.shutdown();
          throw err;
        },
      )
      .then(
        () => {
          logger.flush();
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ error: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
          logger.flush();
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  currentLog().fatal({ error: err instanceof Error ? err.message : String(err) }, 'product-media failed to start');
  currentLog().flush();
  process.exit(1);
});
