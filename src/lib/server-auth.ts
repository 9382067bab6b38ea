/**
 * @supabase/ssr's `createServerClient`, auth part only. createServerClient builds a whole SupabaseClient
 * per request (PostgREST, Storage, Functions and Realtime clients, six URLs, and a second auth-event
 * subscriber that loads the session once more), and this Worker only ever calls `.auth`: that shell
 * was about a tenth of the CPU of a request that reads the session. The same pieces are wired here
 * the way createServerClient (ssr 0.12.7, createServerClient.js) and SupabaseClient (supabase-js
 * 2.119.1, `_initSupabaseAuthClient`) wire them: ssr's cookie storage, an auth-js client with the same
 * options, URL, storage key and headers, and ssr's `applyServerStorage` on the same auth events.
 * Trade-off: ssr's storage is imported from its cookies module by path, not from its public index;
 * both packages are pinned exactly, and the typecheck and the cookie tests fail if an upgrade moves it.
 */
import type { CookieMethodsServer, CookieOptionsWithName } from '@supabase/ssr'
import { applyServerStorage, createStorageFromOptions } from '@supabase/ssr/dist/module/cookies'
import { VERSION } from '@supabase/ssr/dist/module/version'
import { AuthClient } from '@supabase/supabase-js'

/** The auth events after which ssr writes its buffered storage changes to cookies (createServerClient.js). */
const STORAGE_EVENTS: ReadonlySet<string> = new Set([
  'SIGNED_IN',
  'TOKEN_REFRESHED',
  'USER_UPDATED',
  'PASSWORD_RECOVERY',
  'SIGNED_OUT',
  'MFA_CHALLENGE_VERIFIED',
])

/** What createServerClient takes, as this Worker uses it. */
export interface ServerAuthOptions {
  /** Cookie attributes (no `name`: the storage key is derived from the project URL, as supabase-js does). */
  readonly cookieOptions: Omit<CookieOptionsWithName, 'name'>
  readonly cookies: CookieMethodsServer
  readonly fetch: typeof fetch
}

/** What the middleware hands routes: the client's `.auth`, as on a SupabaseClient. */
export interface ServerAuth {
  readonly auth: InstanceType<typeof AuthClient>
}

/** A server-side Supabase Auth client on the request's cookies, as `createServerClient(...).auth`. */
export function createServerAuth(supabaseUrl: string, supabaseKey: string, options: ServerAuthOptions): ServerAuth {
  const cookieEncoding = 'base64url'
  const { storage, getAll, setAll, setItems, removedItems } = createStorageFromOptions(
    { cookieOptions: options.cookieOptions, cookies: options.cookies, cookieEncoding },
    true,
  )
  const trimmed = supabaseUrl.trim()
  const baseUrl = new URL(trimmed.endsWith('/') ? trimmed : `${trimmed}/`)
  const auth = new AuthClient({
    url: new URL('auth/v1', baseUrl).href,
    headers: { Authorization: `Bearer ${supabaseKey}`, apikey: supabaseKey, 'X-Client-Info': `supabase-ssr/${VERSION} createServerClient` },
    storageKey: `sb-${baseUrl.hostname.split('.')[0]}-auth-token`,
    autoRefreshToken: false,
    persistSession: true,
    detectSessionInUrl: false,
    flowType: 'pkce',
    skipAutoInitialize: true,
    storage,
    fetch: options.fetch,
    hasCustomAuthorizationHeader: false,
  })
  auth.onAuthStateChange(async (event) => {
    const hasStorageChanges = Object.keys(setItems).length > 0 || Object.keys(removedItems).length > 0
    if (hasStorageChanges && STORAGE_EVENTS.has(event)) {
      await applyServerStorage({ getAll, setAll, setItems, removedItems }, { cookieOptions: options.cookieOptions, cookieEncoding })
    }
  })
  return { auth }
}
