import { defineConfig } from 'vite';

// `npm run build` writes the dashboard into the server crate, which embeds it
// and serves it at `/`. Asset paths are relative so the files work from any
// mount point. `npm run dev` proxies /api to a running `detente serve`
// (DETENTE_URL, default http://127.0.0.1:8080).
export default defineConfig({
  base: './',
  build: {
    outDir: '../crates/detente-server/assets/dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 900,
    sourcemap: false,
    // Stable names: the server embeds the folder, and a rebuild changes the
    // same files instead of adding new ones to the repository.
    rollupOptions: {
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.DETENTE_URL ?? 'http://127.0.0.1:8080',
    },
  },
});
