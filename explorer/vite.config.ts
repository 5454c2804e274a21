/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

// The Kring server (`./kring serve`) serves dist/ and the API at /graphql on the same origin.
// In development, Vite proxies /graphql to it (it has no CORS).
const api = process.env.KRING_URL ?? 'http://127.0.0.1:8099';

// In dev, serve graphiql.html at /graphiql as the Go server does in production.
function graphiqlPath(): Plugin {
  const rewrite = (req: { url?: string }, _res: unknown, next: () => void) => {
    if (req.url === '/graphiql' || req.url?.startsWith('/graphiql?')) req.url = '/graphiql.html' + req.url.slice('/graphiql'.length);
    next();
  };
  return {
    name: 'kring-graphiql-path',
    configureServer(server) {
      server.middlewares.use(rewrite);
    },
    configurePreviewServer(server) {
      server.middlewares.use(rewrite);
    },
  };
}

// The Go binary embeds dist/ (`//go:embed all:explorer/dist`), which must exist even before the
// first build: keep the tracked placeholder dist/.keep after Vite empties the folder.
function keepPlaceholder(): Plugin {
  return {
    name: 'kring-keep-dist-placeholder',
    apply: 'build',
    writeBundle(options) {
      const dir = options.dir ?? here('./dist');
      writeFileSync(`${dir}/.keep`, '');
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [graphiqlPath(), keepPlaceholder()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      // graphiql's dependencies carry "use client" directives, which mean nothing here.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      input: {
        main: here('./index.html'),
        graphiql: here('./graphiql.html'),
      },
    },
  },
  server: {
    proxy: { '/graphql': { target: api, changeOrigin: true }, '/export': { target: api, changeOrigin: true } },
  },
  preview: {
    proxy: { '/graphql': { target: api, changeOrigin: true }, '/export': { target: api, changeOrigin: true } },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
