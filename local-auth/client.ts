/**
 * A typed client for the stand-in's test-control and Mailpit APIs, plus pure helpers to pull links and
 * the 6-digit code out of an email. Uses only global `fetch`, and imports nothing from node:, so tests
 * running inside the Workers runtime can use it. Not a Supabase client: use supabase-js for /auth/v1.
 */
import { decodeEntities } from './template'

/**
 * A fault for POST /__local/faults (see README). Mirrors `FaultSpec` in faults.ts on purpose: importing
 * it, even as a type, would pull node: typings into the Workers-runtime tests that use this client.
 */
export interface LocalAuthFault {
  path: string
  method?: string
  times?: number
  status?: number
  /** Raw body to send; the string 'malformed' sends `{"broken` as application/json. */
  body?: string | Record<string, unknown>
  delay_ms?: number
  /** Destroy the socket without answering. */
  drop?: boolean
}

/** A Mailpit message summary. */
export interface MailpitSummary {
  ID: string
  To: { Name: string; Address: string }[]
  Subject: string
  Created: string
}

/** A full Mailpit message. */
export interface MailpitMessage extends MailpitSummary {
  HTML: string
  Text: string
}

/** One logged /auth/v1 request. */
export interface LoggedRequest {
  method: string
  path: string
  query: Record<string, string>
  time: string
  /** Kind of the apikey: 'publishable', 'secret', 'anon', 'service_role', 'other' or null (never the value). */
  apikey?: string | null
  /** Kind of the bearer: a key kind, 'jwt:<role>' for an access token, or null. */
  bearer?: string | null
  sb_forwarded_for?: string | null
  /** The per-IP bucket charged, when limits are on. */
  limit?: { bucket: string; key: string; forwarded: boolean }
  /** The status answered, once answered. */
  status?: number
  /** GoTrue's error code of a JSON error answer. */
  error_code?: string
}

/** Supabase's limits as the stand-in applies them (see limits.ts; mirrored here to stay free of node: types). */
export interface LocalAuthLimits {
  perIp: boolean
  otpPer5Min: number
  verifyPer5Min: number
  tokenPer5Min: number
  burst: number
  emailsPerHour: number
  sbForwardedFor: boolean
}

/** What POST /__local/tokens returns. */
export interface MintedToken {
  token: string
  token_hash: string
  message_id: string
  user_id: string
  email: string
  code_verifier?: string
  /** A secure email change's second email, to the current address (secureEmailChange, the default). */
  current_token?: string
  current_token_hash?: string
  current_message_id?: string
}

const hrefRe = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/gi

/** Every href in an HTML email, entity-decoded (`&amp;` → `&`), in document order. */
export function extractLinks(html: string): string[] {
  return [...html.matchAll(hrefRe)].map((m) => decodeEntities(m[1] ?? m[2] ?? ''))
}

/** The 6-digit code of an email's text (prefers one that follows the word "code"). */
export function extractCode(text: string): string | undefined {
  return /code\D{0,40}?\b(\d{6})\b/i.exec(text)?.[1] ?? /\b(\d{6})\b/.exec(text)?.[1]
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Control a running stand-in.
 * @example const auth = localAuthControl(inject('authUrl')); await auth.reset()
 */
export function localAuthControl(url: string) {
  const base = url.replace(/\/+$/, '')
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`local-auth ${method} ${path} failed: ${res.status} ${text}`)
    return (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined) as T
  }
  const messages = async () => (await call<{ messages: MailpitSummary[] }>('GET', '/api/v1/messages')).messages
  const message = (id: string) => call<MailpitMessage>('GET', `/api/v1/message/${encodeURIComponent(id)}`)

  return {
    reset: () => call<Record<string, never>>('POST', '/__local/reset'),
    createUser: (user: { email: string; password: string; email_confirm?: boolean; user_metadata?: Record<string, unknown> }) =>
      call<Record<string, unknown> & { id: string; email: string }>('POST', '/__local/users', user),
    advanceClock: (seconds: number) => call<{ now: number }>('POST', '/__local/clock', { advance_seconds: seconds }),
    injectFault: (fault: LocalAuthFault) => call<{ id: string }>('POST', '/__local/faults', fault),
    clearFaults: () => call<unknown>('DELETE', '/__local/faults'),
    requests: async () => (await call<{ requests: LoggedRequest[] }>('GET', '/__local/requests')).requests,
    clearRequests: () => call<unknown>('DELETE', '/__local/requests'),
    sessionCount: async (email: string) =>
      (await call<{ count: number }>('GET', `/__local/users/${encodeURIComponent(email)}/sessions`)).count,
    mintToken: (input: { email: string; type: 'signup' | 'magiclink' | 'invite' | 'email_change' | 'recovery'; pkce?: boolean; new_email?: string; redirect_to?: string }) =>
      call<MintedToken>('POST', '/__local/tokens', input),
    messages,
    message,
    /** The newest message to `email`, polling until one arrives (emails sent from waitUntil land late). */
    async latestMessageTo(email: string, options: { timeoutMs?: number } = {}): Promise<MailpitMessage> {
      const deadline = Date.now() + (options.timeoutMs ?? 2000)
      const query = `/api/v1/search?query=${encodeURIComponent(`to:${email}`)}&limit=1`
      for (;;) {
        const [hit] = (await call<{ messages: MailpitSummary[] }>('GET', query)).messages
        if (hit) return message(hit.ID)
        if (Date.now() > deadline) throw new Error(`local-auth: no email to ${email} arrived in time`)
        await sleep(25)
      }
    },
    clearMessages: () => call<unknown>('DELETE', '/api/v1/messages'),
    /** Supabase's limits now, and the emails counted this hour. */
    limits: () => call<LocalAuthLimits & { emails_this_hour: number }>('GET', '/__local/limits'),
    /** Replace the limits (`preset: 'hosted'` for a hosted project's defaults); empties every bucket. Reset restores the start options. */
    setLimits: (limits: Partial<LocalAuthLimits> & { preset?: 'cli' | 'hosted' }) =>
      call<LocalAuthLimits & { emails_this_hour: number }>('POST', '/__local/limits', limits),
  }
}

/** The control client's type, for test fixtures. */
export type LocalAuthControl = ReturnType<typeof localAuthControl>
