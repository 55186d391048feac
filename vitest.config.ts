import { defineConfig } from 'vitest/config'

// One entry point for every workspace's tests: `npx vitest` runs them all, `--project core` one.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'tools/vitest.config.ts', 'e2e/vitest.config.ts'],
  },
})
