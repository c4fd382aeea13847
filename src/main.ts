import { ConfigError, loadConfig } from './config/config';
import { createLogger, useProcessLogger } from './observability/log';
import { startServer } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.log);
  useProcessLogger(logger);
  const server = await startServer(config, { logger });
  logger.info(
    { url: server.url, publicUrl: server.publicUrl },
    `product-media subgraph ready at ${server.url}/graphql (public URL ${server.publicUrl})`,
  );
  const shutdown = (signal: string) => {
    logger.info(`${signal} received: finishing in-flight requests`);
    server.stop().then(
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
  console.error('product-media failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
