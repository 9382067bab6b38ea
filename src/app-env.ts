/**
 * The Hono generic for this app: bindings and the per-request variables middleware sets.
 * Read them with `c.get('name')`, not `c.var.name`: Hono builds a fresh object from all variables on
 * every `c.var` access, and a request reads them a few dozen times.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { Config, LimiterName } from './config'
import type { Translator } from './i18n/catalogue'
import type { Reason } from './lib/reasons'

/** How a request's Supabase client is made (middleware/supabase.ts). */
export interface ClientOptions {
  readonly session?: 'use' | 'ignore'
}

/** What the fetch wrapper observed about this request's calls to Supabase Auth. */
export interface UpstreamState {
  timedOut: boolean
  /** The status of the last call's answer, once its headers came (a 2xx whose body then failed: Supabase acted). */
  lastStatus?: number
  calls: number
  /** Milliseconds spent waiting on those calls (for auth events). */
  ms: number
  /** Supabase's error code when it answered 429 (its own limits), for the log line. */
  refusedCode?: string
}

export interface AppEnv {
  Bindings: Env
  Variables: {
    /** The language of this response (middleware/locale.ts). */
    t: Translator
    /** The parsed configuration (middleware/load-config.ts). */
    config: Config
    /** Correlates the log line with the request (`cf-ray` when present). */
    requestId: string
    /** The outcome code for the log line, set by handlers. */
    reason: Reason | string | undefined
    /** This browser's CSRF token, to embed in forms (middleware/csrf.ts). */
    csrfToken: string
    /** The parsed form body of a POST (middleware/csrf.ts). */
    form: Record<string, string>
    /**
     * This request's Supabase client for these options, created on first call (middleware/supabase.ts),
     * one per session option. `{ session: 'ignore' }`: the browser's session cookie is not shown to it, for a call
     * that does not act as the signed-in person (asking for a reset email, confirming a link or code, whose
     * new session replaces the old), so an expired session is not refreshed first; a new session written
     * by such a client also deletes the old session's cookies it was not shown.
     */
    supabase: (options?: ClientOptions) => SupabaseClient
    upstream: UpstreamState
    /** The client's fetch to Supabase Auth (timeout, accounting in `upstream`), set with the client. */
    upstreamFetch: typeof fetch
    /** The breached-password check's outcome code for the log line (breached-password.ts). */
    breachCheck: string | undefined
    /** The edge limiter that refused this request, if one did (lib/rate-limit.ts), for auth events. */
    limitedBy: LimiterName | undefined
    /**
     * Resolves when the client first calls Supabase: by then it has written the PKCE verifier cookie.
     * Set with the client (the first `supabase()` call), like `sealCookies`.
     */
    upstreamStarted: Promise<void>
    /**
     * Resolves when auth-js retries a failed call (refused: middleware/supabase.ts): it retries a failed refresh with
     * backoff for up to 30 s, which the person must not wait out (middleware/supabase.ts,
     * `unlessUpstreamFails`). Set with the client, like `upstreamStarted`.
     */
    upstreamFailed: Promise<void>
    /** Stops late `setAll` calls (from waitUntil work) touching a response already sent. */
    sealCookies: () => void
  }
}
