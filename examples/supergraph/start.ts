// `npm run supergraph`: product-media (LOCAL store), the sample products subgraph
// and a gateway composing them, on one machine with no internet access.
//   product-media  http://localhost:4001/graphql   (PORT)
//   products       http://localhost:4002/graphql   (PRODUCTS_PORT)
//   gateway        http://localhost:4000/graphql   (GATEWAY_PORT), GraphiQL in a browser
import { loadConfig } from '../../src/config/config';
import { createLogger, currentLog, useProcessLogger } from '../../src/observability/log';
import { startServer } from '../../src/server';
import { startProductsSubgraph } from '../products-subgraph/server';
import { startGateway } from './gateway';

/** A port from the environment; a value that is not one stops the start with the variable's name. */
function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new Error(`${name} must be a port number, not "${raw}"`);
  return value;
}

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.log);
  useProcessLogger(logger);
  const media = await startServer(config, { logger });
  // Every line goes through pino, Apollo's start-up notices included, each marked with the server it is about.
  const products = await startProductsSubgraph(
    port('PRODUCTS_PORT', 4002),
    config.host,
    logger.child({ server: 'products' }),
  );
  const gateway = await startGateway({
    port: port('GATEWAY_PORT', 4000),
    host: config.host,
    routingUrls: { 'product-media': `${media.url}/graphql`, products: `${products.url}/graphql` },
    logger: logger.child({ server: 'gateway' }),
  });
  logger.info({ url: `${media.url}/graphql` }, `product-media ready at ${media.url}/graphql`);
  logger.info({ url: `${products.url}/graphql` }, `products ready at ${products.url}/graphql`);
  logger.info(
    { url: `${gateway.url}/graphql` },
    `gateway ready at ${gateway.url}/graphql (open it in a browser for GraphiQL)`,
  );
  const stop = (signal: string) => {
    logger.info(`${signal} received: stopping the gateway, products and product-media`);
    void Promise.allSettled([gateway.stop(), products.stop(), media.stop()]).then(() => {
      logger.flush();
      process.exit(0);
    });
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const error = err as NodeJS.ErrnoException & { port?: number };
  // A port in use is most often `npm start` still running: it listens on PORT (4001) too.
  const hint =
    error.code === 'EADDRINUSE'
      ? `; port ${error.port ?? ''} is in use (is \`npm start\` still running?): stop it, or set PORT, PRODUCTS_PORT, GATEWAY_PORT`
      : '';
  currentLog().fatal(
    { error: err instanceof Error ? err.message : String(err) },
    `The local supergraph failed to start${hint}`,
  );
  currentLog().flush();
  process.exit(1);
});
