import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { ConfigError, environment, loadConfig } from '../src/config/config';

/** Runs the real start (`src/main.ts`) with `env` in `cwd`; for starts that must stop with a message. */
/**
 * Runs `src/main.ts` to its end; `failure` is what its fatal log line says
 * (message and error), every line on stdout being pino's JSON.
 */
function startMain(env: NodeJS.ProcessEnv, cwd?: string) {
  const result = spawnSync(path.join(__dirname, '../node_modules/.bin/tsx'), [path.join(__dirname, '../src/main.ts')], {
    cwd,
    env: { LOG_FORMAT: 'json', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  const lines = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: string; msg: string; error?: string });
  const fatal = lines.filter((line) => line.level === 'fatal');
  return { ...result, failure: fatal.map((line) => [line.msg, line.error].filter(Boolean).join(': ')).join('\n') };
}

describe('configuration', () => {
  it('has the contract defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4001,
      host: '127.0.0.1',
      publicUrl: undefined,
      dataDir: './data',
      defaultProvider: 'LOCAL',
      maxImageBytes: 20971520,
      maxFileBytes: 536870912,
      uploadUrlTtlSeconds: 60,
      providerTimeoutMs: 10000,
      providerRetries: 2,
      routerSecret: undefined,
    });
    expect(config.providers.dodoPayments.baseUrl).toBe('https://live.dodopayments.com');
  });

  it('puts the store in MEDIA_DATA_DIR by default (SQLite and a folder), and elsewhere as the storage URLs say', () => {
    expect(loadConfig({ MEDIA_DATA_DIR: '/srv/media' }).store).toEqual({
      database: { kind: 'sqlite', path: '/srv/media/media.db' },
      storage: { kind: 'folder', root: '/srv/media/blobs' },
      assetBaseUrl: undefined,
      directUploads: false,
    });
    const replicas = loadConfig({
      MEDIA_DATA_DIR: '/tmp/m',
      MEDIA_DATABASE_URL: 'postgres://media:pw@db:5432/media',
      MEDIA_DATABASE_POOL_SIZE: '4',
      MEDIA_STORAGE_URL: 's3://product-media/prod/',
      MEDIA_S3_ENDPOINT: 'http://minio:9000/',
      MEDIA_S3_FORCE_PATH_STYLE: 'true',
      MEDIA_ASSET_BASE_URL: 'https://cdn.example.com/media/',
      MEDIA_S3_DIRECT_UPLOADS: 'true',
    }).store;
    expect(replicas).toEqual({
      database: { kind: 'postgres', url: 'postgres://media:pw@db:5432/media', poolSize: 4 },
      storage: {
        kind: 's3',
        bucket: 'product-media',
        prefix: 'prod',
        endpoint: 'http://minio:9000',
        region: undefined,
        forcePathStyle: true,
        scratchDir: '/tmp/m/scratch',
      },
      assetBaseUrl: 'https://cdn.example.com/media',
      directUploads: true,
    });
  });

  it.each([
    [{ MEDIA_DATABASE_URL: 'mysql://media:hunter2-secret@db/media' }, 'MEDIA_DATABASE_URL'],
    [{ MEDIA_DATABASE_URL: 'postgres://media:hunter2-secret@[bad' }, 'MEDIA_DATABASE_URL'],
    [{ MEDIA_STORAGE_URL: 's3://Not_A_Bucket' }, 'MEDIA_STORAGE_URL'],
    [{ MEDIA_STORAGE_URL: 'ftp://host/dir' }, 'MEDIA_STORAGE_URL'],
    [{ MEDIA_DATABASE_POOL_SIZE: '0' }, 'MEDIA_DATABASE_POOL_SIZE'],
    [{ MEDIA_ASSET_BASE_URL: 'cdn.example.com' }, 'MEDIA_ASSET_BASE_URL'],
    [{ MEDIA_S3_DIRECT_UPLOADS: 'true' }, 'MEDIA_S3_DIRECT_UPLOADS'],
    [{ MEDIA_S3_DIRECT_UPLOADS: 'true', MEDIA_STORAGE_URL: 'file:/srv/blobs' }, 'MEDIA_S3_DIRECT_UPLOADS'],
    [{ MEDIA_S3_DIRECT_UPLOADS: 'maybe' }, 'MEDIA_S3_DIRECT_UPLOADS'],
    [{ MEDIA_REVISION_GRACE_SECONDS: '-1' }, 'MEDIA_REVISION_GRACE_SECONDS'],
    [{ MEDIA_LEFTOVER_GRACE_SECONDS: '0' }, 'MEDIA_LEFTOVER_GRACE_SECONDS'],
    [{ MEDIA_DATABASE_URL: 'postgres://media:hunter2-secret@db:5432/' }, 'MEDIA_DATABASE_URL'],
    [{ MEDIA_STORAGE_URL: 's3://my..bucket/prefix' }, 'MEDIA_STORAGE_URL'],
    [{ MEDIA_STORAGE_URL: 's3://192.168.0.1' }, 'MEDIA_STORAGE_URL'],
    [{ MEDIA_CORS_ORIGINS: 'localhost:5173' }, 'MEDIA_CORS_ORIGINS'],
    [{ MEDIA_CORS_ORIGINS: 'http://localhost:5173/app' }, 'MEDIA_CORS_ORIGINS'],
    [{ MEDIA_CORS_ORIGINS: 'http://localhost:5173, ftp://files.example.com' }, 'MEDIA_CORS_ORIGINS'],
  ])('refuses %j naming %s, without repeating a password', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid configuration:\\n  ${variable}: `));
    expect(() => loadConfig(env)).not.toThrow(/hunter2/);
  });

  it('reads MEDIA_CORS_ORIGINS as origins in the form browsers send, `*` as any, unset as none', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(
      loadConfig({ MEDIA_CORS_ORIGINS: ' HTTP://LocalHost:5173 , https://admin.example.com:443' }).corsOrigins,
    ).toEqual(['http://localhost:5173', 'https://admin.example.com']);
    expect(loadConfig({ MEDIA_CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
  });

  it('refuses a leftover grace shorter than the longest request: a sweep would take uploads in flight elsewhere', () => {
    expect(() => loadConfig({ MEDIA_LEFTOVER_GRACE_SECONDS: '600' })).toThrow(
      /MEDIA_LEFTOVER_GRACE_SECONDS \(600\) must be at least MEDIA_HTTP_REQUEST_TIMEOUT_MS \(900000\)/,
    );
    expect(loadConfig({ MEDIA_LEFTOVER_GRACE_SECONDS: '600', MEDIA_HTTP_REQUEST_TIMEOUT_MS: '600000' })).toMatchObject({
      leftoverGraceSeconds: 600,
    });
  });

  it('has the documented security limits (SECURITY.md)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      maxImagePixels: 40_000_000,
      graphqlLimits: {
        maxDepth: 10,
        maxAliases: 15,
        maxTokens: 2000,
        maxCost: 5000,
        maxDirectives: 50,
        maxEntities: 1000,
      },
      production: false,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 900_000,
      fetchAllowPrivate: false,
      sourceFetchTimeoutMs: 15_000,
    });
    expect(loadConfig({ NODE_ENV: 'production' }).production).toBe(true);
  });

  it.each([
    ['MEDIA_DEFAULT_PROVIDER', 'shopify'],
    ['MEDIA_MAX_IMAGE_BYTES', '-5'],
    ['PORT', 'eighty'],
    ['MEDIA_PUBLIC_URL', 'not a url'],
    ['SALLA_BASE_URL', 'ftp://x'],
    ['MEDIA_SIGNING_SECRET', 'short'],
    ['MEDIA_GRAPHQL_MAX_DEPTH', '0'],
    ['MEDIA_HTTP_HEADERS_TIMEOUT_MS', 'soon'],
  ])('refuses a bad %s and names it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it.each([
    [{ SUPEROFFICE_TICKET: 't' }, 'SUPEROFFICE_BASE_URL'],
    [{ SUPEROFFICE_BASE_URL: 'https://so.test/Cust1', SUPEROFFICE_USERNAME: 'u' }, 'SUPEROFFICE_PASSWORD'],
    [
      { SUPEROFFICE_BASE_URL: 'https://so.test/Cust1', SUPEROFFICE_TICKET: 't', SUPEROFFICE_ACCESS_TOKEN: 'a' },
      'SUPEROFFICE_ACCESS_TOKEN',
    ],
  ])('refuses an incomplete or ambiguous SuperOffice sign-in (%j)', (env, named) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(named));
  });

  it('logs JSON at info by default, and refuses a log level or format it does not know', () => {
    expect(loadConfig({}).log).toEqual({ level: 'info', format: 'json' });
    expect(loadConfig({ LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty' }).log).toEqual({ level: 'debug', format: 'pretty' });
    expect(() => loadConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });

  it('leaves /metrics open by default, and takes a metrics token of at least 16 characters', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ MEDIA_METRICS_TOKEN: '' }).metricsToken).toBeUndefined();
    expect(loadConfig({ MEDIA_METRICS_TOKEN: 'a'.repeat(16) }).metricsToken).toBe('a'.repeat(16));
    expect(() => loadConfig({ MEDIA_METRICS_TOKEN: 'short' })).toThrow(/MEDIA_METRICS_TOKEN: must be at least 16/);
  });

  it('reads one SuperOffice sign-in scheme and the installation root', () => {
    const config = loadConfig({
      SUPEROFFICE_BASE_URL: 'https://online.superoffice.com/Cust12345/',
      SUPEROFFICE_USERNAME: 'u',
      SUPEROFFICE_PASSWORD: 'p',
    });
    expect(config.providers.superOffice).toEqual({
      baseUrl: 'https://online.superoffice.com/Cust12345',
      credentials: { scheme: 'Basic', username: 'u', password: 'p' },
      appToken: undefined,
    });
  });

  it('tells a bad value in LOG_FORMAT=pretty as plain text when the output is not a terminal', () => {
    const result = spawnSync(
      path.join(__dirname, '../node_modules/.bin/tsx'),
      [path.join(__dirname, '../src/main.ts')],
      {
        env: { ...process.env, LOG_FORMAT: 'pretty', MEDIA_MAX_FILE_BYTES: '-1' },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FATAL.*Invalid configuration: MEDIA_MAX_FILE_BYTES: /);
    // No colour codes in a pipe or a file.
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('stops the real start with a message naming the variable', () => {
    const result = startMain({ ...process.env, MEDIA_MAX_FILE_BYTES: '-1', LOG_LEVEL: 'verbose' });
    expect(result.status).toBe(1);
    // One line, readable in a terminal: every problem after the other, none of them an escaped line break.
    expect(result.failure).toMatch(/^Invalid configuration: [^\n]*MEDIA_MAX_FILE_BYTES: [^\n]*; [^\n]*LOG_LEVEL: /);
    expect(result.stdout).not.toContain('\\n');
  });

  it.each([
    [
      'a PostgreSQL server that does not answer',
      { MEDIA_DATABASE_URL: 'postgres://media:hunter2-secret@127.0.0.1:1/media' },
      /MEDIA_DATABASE_URL: the PostgreSQL index could not be opened: .*ECONNREFUSED/,
    ],
    [
      'an S3 endpoint that does not answer',
      {
        MEDIA_STORAGE_URL: 's3://product-media/prefix',
        MEDIA_S3_ENDPOINT: 'http://127.0.0.1:1',
        AWS_ACCESS_KEY_ID: 'key',
        AWS_SECRET_ACCESS_KEY: 'hunter2-secret',
      },
      /MEDIA_STORAGE_URL: the bucket product-media could not be reached/,
    ],
  ])('stops the start on %s, naming the variable and no secret', (_, env, message) => {
    const result = startMain({ ...process.env, MEDIA_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'store-')), ...env });
    expect(result.status).toBe(1);
    expect(result.failure).toMatch(message);
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });

  it('names both variables of a rule between them (issue 14, item 6)', () => {
    expect(() => loadConfig({ MEDIA_HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /MEDIA_HTTP_REQUEST_TIMEOUT_MS \(10000\) must be at least MEDIA_HTTP_HEADERS_TIMEOUT_MS \(20000\)/,
    );
    expect(() =>
      loadConfig({ MEDIA_HTTP_REQUEST_TIMEOUT_MS: '10000', MEDIA_HTTP_HEADERS_TIMEOUT_MS: '5000' }),
    ).not.toThrow();
    const result = startMain({ ...process.env, MEDIA_HTTP_REQUEST_TIMEOUT_MS: '10000' });
    expect(result.status).toBe(1);
    expect(result.failure).toContain('MEDIA_HTTP_REQUEST_TIMEOUT_MS');
    expect(result.failure).toContain('MEDIA_HTTP_HEADERS_TIMEOUT_MS');
    expect(result.failure).not.toContain('headersTimeout');
  });

  describe('.env (issue 14, item 8)', () => {
    const folderWith = (text: string) => {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
      writeFileSync(path.join(folder, '.env'), text);
      return folder;
    };

    it('is read when present, with the same validation, and the message says where the value came from', () => {
      const folder = folderWith('MEDIA_MAX_FILE_BYTES=-1\nPORT=4100\n');
      expect(() => loadConfig(environment(folder, {}))).toThrow(/MEDIA_MAX_FILE_BYTES \(from \.env\)/);
      expect(loadConfig(environment(folder, { MEDIA_MAX_FILE_BYTES: '1000' }))).toMatchObject({
        port: 4100,
        maxFileBytes: 1000,
      });
    });

    it('loses to real environment variables', () => {
      const folder = folderWith('PORT=4100\nMEDIA_DEFAULT_PROVIDER=salla\n');
      expect(loadConfig(environment(folder, { PORT: '4200' }))).toMatchObject({ port: 4200, defaultProvider: 'SALLA' });
    });

    it('is optional', () => {
      const folder = mkdtempSync(path.join(os.tmpdir(), 'no-dotenv-'));
      expect(loadConfig(environment(folder, { PORT: '4300' })).port).toBe(4300);
    });

    it('stops the real start when it holds a bad value', () => {
      const folder = folderWith('MEDIA_DEFAULT_PROVIDER=nowhere\n');
      const env = { ...process.env };
      delete env.MEDIA_DEFAULT_PROVIDER;
      const result = startMain(env, folder);
      expect(result.status).toBe(1);
      expect(result.failure).toContain('MEDIA_DEFAULT_PROVIDER (from .env)');
    });
  });
});
