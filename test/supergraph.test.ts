import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readRouterPolicy, readSupergraphConfig } from '../examples/supergraph/gateway';
import { makeImage } from './helpers/images';
import { graphqlClient, putBytes, requestImage, tempDataDir, type TestServer } from './helpers/server';

const ROOT = path.resolve(__dirname, '..');
const SECRET = 'supergraph-router-secret-0123456789';

interface LocalSupergraph {
  child: ChildProcess;
  media: string;
  products: string;
  gateway: string;
  /** Everything it printed on stdout so far. */
  output(): string;
}

/** The complete lines of `out`, each parsed as JSON (pino's format); a line that is not JSON fails the test. */
function logLines(out: string): Record<string, unknown>[] {
  return out
    .split('\n')
    .slice(0, -1)
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`Not a pino line on stdout: ${line}`);
      }
    });
}

/** Runs `npm run supergraph`'s script on free ports and waits for its three "ready at" lines. */
function startLocalSupergraph(env: Record<string, string>): Promise<LocalSupergraph> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'examples/supergraph/start.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let ready = false;
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The local supergraph did not start:\n${out}\n${err}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The local supergraph exited (${code}):\n${out}\n${err}`));
    });
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const at = (name: string) =>
        logLines(out)
          .map((line) => new RegExp(`^${name} ready at (http://\\S+)/graphql`).exec(String(line.msg))?.[1])
          .find(Boolean);
      const [media, products, gateway] = [at('product-media'), at('products'), at('gateway')];
      // Once only: lines keep coming (requests, the stop), and the test's own exit listener must stay.
      if (!media || !products || !gateway || ready) return;
      ready = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ child, media, products, gateway, output: () => out });
    });
  });
}

describe('supergraph.yaml and router.yaml', () => {
  it('pin the installed federation version and route product-media to the contract default port', () => {
    const config = readSupergraphConfig();
    const installed = (
      JSON.parse(readFileSync(require.resolve('@apollo/composition/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(config.federation_version).toBe(`=${installed}`);
    expect(config.subgraphs['product-media']).toEqual({
      routing_url: 'http://localhost:4001/graphql',
      schema: { file: './schema/schema.graphql' },
    });
  });

  it('give product-media the router secret from the environment and allow a frontend origin', () => {
    const policy = readRouterPolicy();
    expect(policy.headers['product-media']).toContainEqual({
      insert: { name: 'router-authorization', value: '${env.ROUTER_SECRET}' },
    });
    expect(policy.headers['product-media']).toContainEqual({ propagate: { named: 'authorization' } });
    expect(policy.corsOrigins).toContain('http://localhost:5173');
    expect(policy.corsHeaders).toEqual(expect.arrayContaining(['content-type', 'apollo-require-preflight']));
  });
});

describe('npm run supergraph', () => {
  it('stops with a message naming the variable when a port is not one', async () => {
    const failure = await startLocalSupergraph({
      PORT: '0',
      PRODUCTS_PORT: 'forty',
      MEDIA_DATA_DIR: tempDataDir(),
    }).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/PRODUCTS_PORT must be a port number/);
  });

  it('says what to do when a port is taken: most often by `npm start` still running', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const failure = await startLocalSupergraph({
        PORT: String((taken.address() as AddressInfo).port),
        PRODUCTS_PORT: '0',
        GATEWAY_PORT: '0',
        MEDIA_DATA_DIR: tempDataDir(),
      }).then(
        () => 'started',
        (err: Error) => err.message,
      );
      expect(failure).toMatch(/is in use \(is `npm start` still running\?\): stop it, or set PORT, PRODUCTS_PORT/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  let local: LocalSupergraph;
  let viaGateway: TestServer['gql'];
  beforeAll(async () => {
    local = await startLocalSupergraph({
      PORT: '0',
      PRODUCTS_PORT: '0',
      GATEWAY_PORT: '0',
      MEDIA_DATA_DIR: tempDataDir(),
      ROUTER_SECRET: SECRET,
    });
    viaGateway = graphqlClient(local.gateway);
  });
  afterAll(async () => {
    if (local.child.exitCode !== null || local.child.signalCode !== null) return;
    const exited = new Promise((resolve) => local.child.once('exit', resolve));
    local.child.kill('SIGKILL');
    await exited;
  });

  const PRODUCT = `query($id: ID!) { product(id: $id) {
    id name priceCents images { id status width height variants { kind url } } thumbnail { id } files { id }
  } }`;

  it("prints nothing but pino's JSON lines, Apollo's start-up notices included, each naming its server", () => {
    const lines = logLines(local.output());
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        server: 'products',
        msg: expect.stringMatching(/^Enabling inline tracing/),
      }),
    );
    expect(lines.find((line) => String(line.msg).startsWith('gateway ready at'))).toMatchObject({ level: 'info' });
  });

  it('answers one query from both subgraphs: the name from products, the media from product-media', async () => {
    const res = await viaGateway(PRODUCT, { id: '2' });
    expect(res.body).toEqual({
      data: {
        product: { id: '2', name: 'Linen lamp shade', priceCents: 3900, images: [], thumbnail: null, files: [] },
      },
    });
  });

  it('runs the upload flow through the gateway: request a URL, PUT the bytes to the subgraph, see the image', async () => {
    const { image, upload } = await requestImage({ gql: viaGateway }, { productId: '1', contentType: 'image/png' });
    expect(image.status).toBe('AWAITING_UPLOAD');
    const put = await putBytes(upload, await makeImage(64, 48));
    expect(put.status).toBe(200);

    const res = await viaGateway(PRODUCT, { id: '1' });
    expect(res.body.errors).toBeUndefined();
    const product = res.body.data.product;
    expect(product.name).toBe('Walnut desk');
    expect(product.images).toEqual([expect.objectContaining({ id: image.id, status: 'READY', width: 64, height: 48 })]);
    expect(product.images[0].variants.map((v: { kind: string }) => v.kind)).toContain('THUMBNAIL');
  });

  it('sends the router secret the way router.yaml says: the subgraph refuses the same query without it', async () => {
    const direct = await graphqlClient(local.media)('{ mediaProviders { provider } }');
    expect(direct.status).toBe(401);
    const withSecret = await graphqlClient(local.media)('{ mediaProviders { provider } }', undefined, {
      'router-authorization': SECRET,
    });
    expect(withSecret.status).toBe(200);
  });

  it("allows router.yaml's frontend origin and no other", async () => {
    const preflight = (origin: string) =>
      fetch(`${local.gateway}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await preflight('https://elsewhere.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves GraphiQL at the gateway with no CDN', async () => {
    const page = await fetch(`${local.gateway}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('ProductWithMedia');
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[^"']+\.(js|css)/);
  });

  it('stops all three servers on SIGTERM, each to its end, and exits 0', async () => {
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      local.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    local.child.kill('SIGTERM');
    // Not ended by a signal (Apollo's own handlers would re-raise it before the others stopped).
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
