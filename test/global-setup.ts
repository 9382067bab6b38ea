/**
 * Starts the local Supabase Auth stand-in once for the Worker's tests and hands its URL and keys
 * to the Worker's bindings (vitest.config.ts) and to the tests (`inject`).
 */
import type { TestProject } from 'vitest/node'
import { startLocalAuth } from '../local-auth/index'
import { TEST_ORIGIN } from './origin'

export default async function setup(project: TestProject) {
  // Supabase's minimum (10) above the Worker's (8), so Supabase's own weak_password answer is reachable.
  const auth = await startLocalAuth({ siteUrl: TEST_ORIGIN, passwordMinLength: 10 })
  project.provide('authUrl', auth.url)
  project.provide('anonKey', auth.anonKey)
  project.provide('serviceRoleKey', auth.serviceRoleKey)
  // For the SUPABASE_SECRET_KEY tests (Sb-Forwarded-For); Supabase's limits stay off unless a test turns them on.
  project.provide('publishableKey', auth.publishableKey)
  project.provide('secretKey', auth.secretKey)
  // A second project signing with a legacy HS256 secret (no JWKS): getClaims() must fall back to GET /user.
  const legacy = await startLocalAuth({ siteUrl: TEST_ORIGIN, passwordMinLength: 10, jwtAlgorithm: 'HS256' })
  project.provide('legacyAuthUrl', legacy.url)
  project.provide('legacyAnonKey', legacy.anonKey)
  return async () => {
    await Promise.all([auth.stop(), legacy.stop()])
  }
}
