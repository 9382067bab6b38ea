/**
 * Starts the local Supabase Auth stand-in and the local Pwned Passwords range server once for the
 * Worker's tests and hands their URLs and keys to the Worker's bindings (vitest.config.ts) and to
 * the tests (`inject`).
 */
import { readFileSync } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { startLocalAuth } from '../local-auth/index'
import { LOCAL_ACCESS_TOKEN, LOCAL_PROJECT_REF } from '../local-auth/management'
import { startLocalPwned } from '../local-pwned/index'
import { startLossyProxy } from './lossy-proxy-server'
import { TEST_ORIGIN } from './origin'

export default async function setup(project: TestProject) {
  // Supabase's minimum (10) above the Worker's (8), so Supabase's own weak_password answer is reachable.
  const auth = await startLocalAuth({ siteUrl: TEST_ORIGIN, passwordMinLength: 10 })
  project.provide('authUrl', auth.url)
  // Its Management API (templates, as a team would change them in the dashboard).
  project.provide('management', { token: LOCAL_ACCESS_TOKEN, projectRef: LOCAL_PROJECT_REF })
  project.provide('anonKey', auth.anonKey)
  project.provide('serviceRoleKey', auth.serviceRoleKey)
  // For the SUPABASE_SECRET_KEY tests (Sb-Forwarded-For); Supabase's limits stay off unless a test turns them on.
  project.provide('publishableKey', auth.publishableKey)
  project.provide('secretKey', auth.secretKey)
  // A second project signing with a legacy HS256 secret (no JWKS): getClaims() must fall back to GET /user.
  const legacy = await startLocalAuth({ siteUrl: TEST_ORIGIN, passwordMinLength: 10, jwtAlgorithm: 'HS256' })
  project.provide('legacyAuthUrl', legacy.url)
  project.provide('legacyAnonKey', legacy.anonKey)
  // A second site's own Supabase project (SITES tests): its emails link to that site's hostname.
  const siteB = await startLocalAuth({ siteUrl: 'https://auth.brand-b.test', passwordMinLength: 10 })
  project.provide('siteBAuthUrl', siteB.url)
  project.provide('siteBAnonKey', siteB.anonKey)
  // The edge limits as configured in wrangler.toml, so tests count against the deployed numbers
  // with a deterministic limiter (the local binding's windows align to the wall clock).
  project.provide('rateLimits', readRateLimits(new URL('../wrangler.toml', import.meta.url)))
  // The local Pwned Passwords range server: BREACHED_PASSWORD_API_URL for the Worker.
  const pwned = await startLocalPwned()
  project.provide('pwnedUrl', pwned.url)
  // A project with every password rule a dashboard can switch on (upper, lower and digits; leaked-password
  // protection against the same range server; current password and reauthentication for changes).
  const strict = await startLocalAuth({
    siteUrl: TEST_ORIGIN,
    passwordMinLength: 10,
    passwordRequiredCharacters: ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789'],
    passwordHibpEnabled: true,
    pwnedPasswordsUrl: pwned.url,
    updatePasswordRequireCurrentPassword: true,
    updatePasswordRequireReauthentication: true,
  })
  project.provide('strictAuthUrl', strict.url)
  project.provide('strictAnonKey', strict.anonKey)
  // The same project behind a proxy that can lose an answer after the stand-in acted (test/lossy-proxy-server.ts).
  const lossy = await startLossyProxy(auth.url)
  project.provide('lossyAuthUrl', lossy.url)
  return async () => {
    await Promise.all([auth.stop(), legacy.stop(), pwned.stop(), siteB.stop(), strict.stop(), lossy.stop()])
  }
}

/** `[[ratelimits]]` blocks of wrangler.toml: name → { limit, period }. */
function readRateLimits(file: URL): Record<string, { limit: number; period: number }> {
  const limits: Record<string, { limit: number; period: number }> = {}
  for (const block of readFileSync(file, 'utf8').split('[[ratelimits]]').slice(1)) {
    const name = /name\s*=\s*"([A-Z_]+)"/.exec(block)?.[1]
    const simple = /simple\s*=\s*\{\s*limit\s*=\s*(\d+)\s*,\s*period\s*=\s*(\d+)\s*\}/.exec(block)
    if (name && simple) limits[name] = { limit: Number(simple[1]), period: Number(simple[2]) }
  }
  return limits
}
