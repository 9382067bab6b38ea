/**
 * Shared test kit: start a stand-in per test file, build real supabase-js clients on in-memory storage,
 * and small wire helpers (raw fetch with the headers supabase-js sends, token-hash extraction from emails).
 * Defaults are documented on each field so tests only state what matters to them.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { extractLinks, localAuthControl, type LocalAuthControl, type MailpitMessage } from '../client'
import { startLocalAuth, type LocalAuth, type LocalAuthOptions } from '../index'

/** The app page emails point back to (SITE_URL default of the stand-in). */
export const SITE_URL = 'http://127.0.0.1:8787'
/** Where tests ask to be sent after verification; allowed because it shares SITE_URL's host. */
export const REDIRECT_TO = `${SITE_URL}/auth/callback`
/** A password that satisfies the default policy. */
export const PASSWORD = 'correct-horse-1'
export const NEW_PASSWORD = 'battery-staple-2'

/** A supabase-js storage adapter backed by a Map, so each client is its own "browser". */
export function memoryStorage() {
  const map = new Map<string, string>()
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  }
}

/** Handle returned by {@link useLocalAuth}; fields are filled in beforeAll. */
export interface Harness {
  auth: LocalAuth
  control: LocalAuthControl
  /** A real supabase-js client (default: implicit flow, anon key, fresh storage). */
  client(options?: { flowType?: 'pkce' | 'implicit'; key?: string }): SupabaseClient
  /** A supabase-js client using the service role key, for auth.admin. */
  admin(key?: string): SupabaseClient
  /** fetch under /auth/v1 with supabase-js's headers (apikey + 2024 version unless overridden). */
  api(path: string, init?: RequestInit & { version?: string | null }): Promise<Response>
}

/** Start one stand-in for the file, reset it before each test, stop it after. */
export function useLocalAuth(options: LocalAuthOptions = {}): Harness {
  const h = {} as Harness
  beforeAll(async () => {
    h.auth = await startLocalAuth(options)
    h.control = localAuthControl(h.auth.url)
    h.client = ({ flowType = 'implicit', key = h.auth.anonKey } = {}) =>
      createClient(h.auth.url, key, {
        auth: { flowType, persistSession: true, storage: memoryStorage(), autoRefreshToken: false, detectSessionInUrl: false },
      })
    h.admin = (key = h.auth.serviceRoleKey) =>
      createClient(h.auth.url, key, { auth: { persistSession: false, autoRefreshToken: false } })
    h.api = (path, init = {}) => {
      const { version = '2024-01-01', ...rest } = init
      const headers = new Headers(rest.headers)
      if (!headers.has('apikey')) headers.set('apikey', h.auth.anonKey)
      if (version) headers.set('X-Supabase-Api-Version', version)
      if (rest.body !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json')
      return fetch(`${h.auth.url}/auth/v1${path}`, { redirect: 'manual', ...rest, headers })
    }
  })
  beforeEach(async () => {
    await h.control.reset()
  })
  afterAll(async () => {
    await h.auth?.stop()
  })
  return h
}

/** The token_hash carried by the first app link of an email. */
export function tokenHashOf(message: MailpitMessage): string {
  for (const link of extractLinks(message.HTML)) {
    const hash = new URL(link).searchParams.get('token_hash')
    if (hash) return hash
  }
  throw new Error('no token_hash link in email')
}

/** Parse a fragment or query string into an object. */
export function params(s: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(s.replace(/^[#?]/, '')))
}

/** Decode a JWT's header and payload without verifying. */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.')
  const dec = (s: string | undefined) => JSON.parse(Buffer.from(s ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
  return { header: dec(h), payload: dec(p) }
}
