import { defineConfig } from "vite";

// Preact through esbuild's automatic JSX runtime: no Babel, a small toolchain that builds on Node.js 18 and 20.
export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  resolve: { alias: { react: "preact/compat", "react-dom": "preact/compat" } },
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, target: "es2020", reportCompressedSize: true },
  // `npm run dev` talks to a gateway on :8000 (docs/web.md)
  server: { proxy: { "/api": "http://127.0.0.1:8000", "/verify-license": "http://127.0.0.1:8000" } },
});
