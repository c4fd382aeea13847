import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import YAML from 'yaml';

/** A request the fake accepted after it passed the OpenAPI validation. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  /** JSON, the multipart text fields, or the raw bytes. */
  body: unknown;
  files: { field: string; contentType: string; bytes: Buffer }[];
}

/** What the next attempts get instead of the real behaviour. */
export type Fault = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang' | 'reset';

export interface FakeProviderOptions {
  /** Fixture file names under `test/contract/fixtures`: the seed operations it serves and validates against. */
  fixtures: string[];
  /** The base path of the fake API, such as `/admin/v2`: it replaces the fixtures' servers. */
  basePath: string;
  /** Security scheme name to a check of the request's credentials (a wrong credential answers 401). */
  security: Record<string, (req: Request) => boolean>;
  /** Form fields arrive as text; this lets the validator read `"1"` as the integer a schema asks for. */
  multipart?: boolean;
  /** The seed operations' behaviour, mounted below `basePath`. */
  routes(router: Router, fake: FakeProvider): void;
  /** Unvalidated extra routes at the root (a fake S3 bucket). */
  extraRoutes?(app: express.Express, fake: FakeProvider): void;
}

/** A loopback HTTP server that behaves like a provider's seed operations and checks every request against them. */
export interface FakeProvider {
  /** Origin plus base path, what the subgraph's `*_BASE_URL` is set to. */
  url: string;
  origin: string;
  /** Requests that passed validation and reached the behaviour (or a scripted fault). */
  requests: RecordedRequest[];
  /** Every request that arrived at a validated path, counted before anything else (retries show here). */
  attempts: number;
  /** Requests that broke the OpenAPI operation: the test fails when this is not empty. */
  violations: string[];
  /** The next `times` valid requests get `fault` instead of the behaviour. */
  failNext(times: number, fault: Fault): void;
  close(): Promise<void>;
}

const FIXTURES = path.join(__dirname, 'fixtures');

type OpenApiDocument = {
  openapi: string;
  servers?: unknown;
  paths: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

/** The fixtures as one document, served from `basePath`. */
function loadSpec(fixtures: string[], basePath: string): OpenApiDocument {
  const docs = fixtures.map((name) => YAML.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as OpenApiDocument);
  const merged: OpenApiDocument = {
    ...docs[0]!,
    servers: [{ url: basePath || '/' }],
    paths: {},
    components: { schemas: {}, securitySchemes: {} },
  };
  for (const doc of docs) {
    Object.assign(merged.paths, doc.paths);
    Object.assign(merged.components!.schemas!, doc.components?.schemas);
    Object.assign(merged.components!.securitySchemes!, doc.components?.securitySchemes);
  }
  return merged;
}

export async function startFakeProvider(options: FakeProviderOptions): Promise<FakeProvider> {
  const faults: Fault[] = [];
  const fake: FakeProvider = {
    url: '',
    origin: '',
    requests: [],
    attempts: 0,
    violations: [],
    failNext(times, fault) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    close: () => Promise.resolve(),
  };

  const app = express();
  options.extraRoutes?.(app, fake);
  app.use(options.basePath || '/', (_req, _res, next) => {
    fake.attempts += 1;
    next();
  });
  app.use(express.json({ type: ['application/json', '*/json'] }));
  app.use(express.raw({ type: ['image/*', 'application/octet-stream'], limit: '64mb' }));
  const handlers = Object.fromEntries(
    Object.entries(options.security).map(([scheme, check]) => [scheme, (req: Request) => check(req)]),
  );
  app.use(
    OpenApiValidator.middleware({
      apiSpec: loadSpec(options.fixtures, options.basePath) as never,
      validateApiSpec: false,
      validateRequests: { allowUnknownQueryParameters: false, coerceTypes: options.multipart ?? false },
      validateResponses: false,
      validateSecurity: { handlers },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    const files = ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({
      field: f.fieldname,
      contentType: f.mimetype,
      bytes: f.buffer,
    }));
    fake.requests.push({
      method: req.method,
      path: req.path,
      query: { ...req.query },
      headers: req.headers,
      body: req.body as unknown,
      files,
    });
    const fault = faults.shift();
    if (!fault) return next();
    if (fault === 'hang') return; // never answers; the client's timeout must end it
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    res.status(fault.status);
    for (const [name, value] of Object.entries(fault.headers ?? {})) res.setHeader(name, value);
    if (typeof fault.body === 'string') res.send(fault.body);
    else res.json(fault.body ?? {});
  });
  const router = express.Router();
  options.routes(router, fake);
  app.use(options.basePath || '/', router);
  app.use(
    (err: { status?: number; message: string; errors?: unknown }, req: Request, res: Response, _next: NextFunction) => {
      if (err.status === 401) {
        // A wrong or missing credential: the provider's answer, not a broken request.
        res
          .status(401)
          .json({ status: 401, success: false, error: { code: 'Unauthorized', message: 'Unauthenticated' } });
        return;
      }
      fake.violations.push(`${req.method} ${req.originalUrl}: ${err.message} ${JSON.stringify(err.errors ?? '')}`);
      res.status(err.status ?? 500).json({ message: `contract violation: ${err.message}` });
    },
  );

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.origin = `http://127.0.0.1:${port}`;
  fake.url = `${fake.origin}${options.basePath}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** A check of `Authorization: Bearer <token>`. */
export const bearer = (token: string) => (req: Request) => req.headers.authorization === `Bearer ${token}`;
