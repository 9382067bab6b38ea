/**
 * Two projects: the Worker's tests run inside workerd (the Workers Vitest integration) against the
 * local Supabase Auth stand-in started in globalSetup; the stand-in's own tests run in Node.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // The Worker logs one JSON line per request; show console output only for failing tests.
    silent: 'passed-only',
    // Whole flows (several Worker requests and stand-in round trips) take well under a second alone, but
    // many times that on a 2-core machine under load; 5 s (the default) failed there without a bug.
    testTimeout: 30_000,
    projects: [
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              bindings: {
                SUPABASE_URL: inject('authUrl'),
                SUPABASE_PUBLISHABLE_KEY: inject('anonKey'),
                SITE_URL: 'https://www.example.com',
                ALLOWED_REDIRECT_ORIGINS: 'https://app.example.com',
                // Short enough that tests exercise the timeout without waiting long.
                UPSTREAM_TIMEOUT_MS: '1500',
                // The local range server (local-pwned/), and a timeout short enough to test quickly.
                BREACHED_PASSWORD_API_URL: inject('pwnedUrl'),
                BREACHED_PASSWORD_TIMEOUT_MS: '400',
              },
            },
          })),
        ],
        test: {
          name: 'worker',
          include: ['test/**/*.test.{ts,tsx}'],
          globalSetup: ['test/global-setup.ts'],
          // All files share one stand-in whose request log some tests read: run files one at a time.
          fileParallelism: false,
          restoreMocks: true,
        },
      },
      {
        test: {
          name: 'local-auth',
          environment: 'node',
          include: ['local-auth/test/**/*.test.ts'],
          restoreMocks: true,
        },
      },
      {
        test: {
          // npm run doctor and npm run supabase:configure against the stand-in's Management API.
          name: 'ops',
          environment: 'node',
          include: ['scripts/test/**/*.test.ts'],
        },
      },
      {
        test: {
          // The bench's own logic (bench/lib/): what it concludes from its numbers.
          name: 'bench',
          environment: 'node',
          include: ['bench/test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'local-pwned',
          environment: 'node',
          include: ['local-pwned/test/**/*.test.ts'],
        },
      },
    ],
  },
})
