// Local config until the root vitest.config.ts gains the 'local-auth' project:
// npx vitest run --root . --config local-auth/vitest.config.ts
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    name: 'local-auth',
    environment: 'node',
    include: ['local-auth/test/**/*.test.ts'],
    restoreMocks: true,
  },
})
