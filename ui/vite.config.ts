// Vite serves and builds the window; Vitest reads its `test` section.
// Port 1420 is the one the Tauri side expects (`devUrl`), so it must not drift.
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  base: "./",
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: { outDir: "dist", emptyOutDir: true },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    // Local-time helpers are tested against the time zone the counters run in.
    env: { TZ: "Asia/Shanghai" },
    testTimeout: 20000,
  },
});
