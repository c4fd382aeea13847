/**
 * A loopback S3 endpoint for tests: `@20minutes/s3rver`, a test stand-in for
 * S3, MinIO or R2 that stores objects in a folder and checks SigV4
 * signatures. Run as its own process (`--openssl-legacy-provider`, which its
 * listing pagination needs); prints `listening <port>` once it accepts.
 *
 * One fix is applied to the stand-in, not the product: for requests on a
 * bucket itself (ListObjectsV2, ...) the AWS SDK signs the path `/<bucket>/`,
 * and the stand-in checked `/<bucket>`, so every such request failed.
 */
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

const directory = process.argv[2];
if (!directory) throw new Error('usage: s3-stand-in <directory>');

const authentication = require.resolve('@20minutes/s3rver/lib/middleware/authentication');
const source = readFileSync(authentication, 'utf8');
const broken = `      if (ctx.params.key) {\n        canonicalizedResource += '/' + ctx.params.key;\n      }`;
if (!source.includes(broken)) throw new Error('s3rver changed: review the bucket-path fix in s3-stand-in.ts');
const fixed = source.replace(
  broken,
  `${broken} else if (ctx.path.endsWith('/')) {\n        canonicalizedResource += '/';\n      }`,
);
const patched = new Module(authentication, module);
patched.filename = authentication;
patched.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
  path.dirname(authentication),
);
(patched as unknown as { _compile(code: string, file: string): void })._compile(fixed, authentication);
require.cache[authentication] = patched;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('@20minutes/s3rver') as new (options: object) => {
  run(): Promise<{ port: number }>;
};

void new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory })
  .run()
  .then(({ port }) => console.log(`listening ${port}`));
