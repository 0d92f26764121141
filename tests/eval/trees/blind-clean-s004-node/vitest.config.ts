import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/server.ts', 'src/worker/ingestWorker.ts', 'src/scripts/**'],
      thresholds: { lines: 70, functions: 70, branches: 65 },
    },
  },
});
