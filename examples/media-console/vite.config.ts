// The media console's Vite config: `npm run console` (dev server) and `npm run console:build`.
// The page calls /graphql on its own origin; the dev server (and `vite preview`) pass it on
// to the supergraph's gateway, so the browser needs no CORS for GraphQL. Uploads go straight
// to the upload URL product-media hands out, whose route answers CORS for any origin.
import path from 'node:path';
import { defineConfig, type ProxyOptions } from 'vite';

/** Where /graphql goes: the gateway of `npm run supergraph` unless MEDIA_CONSOLE_TARGET names another origin (the subgraph's, say). */
const target = process.env.MEDIA_CONSOLE_TARGET || 'http://127.0.0.1:4000';
const proxy: Record<string, ProxyOptions> = { '/graphql': { target, changeOrigin: true } };

export default defineConfig({
  root: __dirname,
  // Relative asset URLs: the built console works from any path it is served under.
  base: './',
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
  build: { outDir: path.join(__dirname, 'dist'), emptyOutDir: true },
});
