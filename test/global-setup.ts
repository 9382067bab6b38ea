/**
 * Starts the local Supabase Auth stand-in and the local Pwned Passwords range server once for the
 * Worker's tests and hands their URLs and keys to the Worker's bindings (vitest.config.ts) and to
 * the tests (`inject`).
 */
import type { TestProject } from 'vitest/node'
import { startLocalAuth } from '../local-auth/index'
import { startLocalPwned } from '../local-pwned/index'
import { TEST_ORIGIN } from './origin'

export default async function setup(project: TestProject) {
  // Supabase's minimum (10) above the Worker's (8), so Supabase's own weak_password answer is reachable.
  const auth = await startLocalAuth({ siteUrl: TEST_ORIGIN, passwordMinLength: 10 })
  project.provide('authUrl', auth.url)
  project.provide('anonKey', auth.anonKey)
  project.provide('serviceRoleKey', auth.serviceRoleKey)
  // A second project signing with a legacy HS256 secret (no JWKS): getClaims() must fall back to GET /user.
  const legacy = await startLocalAuth({ siteUrl: TEST_ORIGIN, passwordMinLength: 10, jwtAlgorithm: 'HS256' })
  project.provide('legacyAuthUrl', legacy.url)
  project.provide('legacyAnonKey', legacy.anonKey)
  // The local Pwned Passwords range server: BREACHED_PASSWORD_API_URL for the Worker.
  const pwned = await startLocalPwned()
  project.provide('pwnedUrl', pwned.url)
  return async () => {
    await Promise.all([auth.stop(), legacy.stop(), pwned.stop()])
  }
}
