import { defineConfig } from 'vite';

// The C++ server serves web/dist as static files with an SPA fallback.
// For `npm run dev`, API and WebSocket calls are proxied to a locally running
// server (set VITRINA_DEV_API, default http://127.0.0.1:8080).
const api = process.env.VITRINA_DEV_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  // JSX is compiled by Vite's built-in transform (automatic runtime); no plugin needed.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    rolldownOptions: {
      onwarn(warning, defaultHandler) {
        // react-router ships "use client" directives, meaningless in a plain SPA bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        // janus-gateway's ES build keeps a UMD wrapper that probes `module`; harmless in the browser.
        if (warning.code === 'COMMONJS_VARIABLE_IN_ESM' && warning.id?.includes('janus-gateway')) return;
        defaultHandler(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: api, ws: true, changeOrigin: false },
      '/healthz': api,
      '/readyz': api,
    },
  },
});
