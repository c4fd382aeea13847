import { ConfigError, loadConfig } from './config/config';
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
  const server = await startServer(config);
  console.log(`product-media subgraph ready at ${server.url}/graphql (public URL ${server.publicUrl})`);
  const shutdown = (signal: string) => {
    console.log(`${signal} received: finishing in-flight requests`);
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('Shutdown failed', err);
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
