/**
 * Which key a call to Supabase Auth carries when the Worker holds a secret key, and the person's
 * address in `Sb-Forwarded-For`, so that Supabase's per-IP limits count people, not this Worker's egress
 * address (supabase/auth#1229). Pure: URL, headers and options in, new headers (or undefined = as is) out.
 *
 * Authority never grows: GoTrue takes who is calling only from the bearer token. The secret key goes only
 * on flow endpoints that read no bearer at all (/recover, /verify, /token, …) [auth:internal/api/api.go:229-273],
 * with the headers supabase-js itself sends for an `sb_secret_` key (`apikey` and `Bearer` both the key,
 * @supabase/supabase-js SupabaseClient._initSupabaseAuthClient), and on /user and /logout only as the
 * `apikey` next to the person's own access token, which stays the bearer. A /user call without a person's
 * token (the key as bearer) keeps the publishable key, so it can never run as service_role.
 */

/** What forwarding needs; absent secret key = no forwarding at all. */
export interface ForwardingOptions {
  /** SUPABASE_SECRET_KEY (`sb_secret_…`). */
  readonly secretKey: string
  /** SUPABASE_PUBLISHABLE_KEY: what supabase-js puts in `apikey` and, without a session, in the bearer. */
  readonly publishableKey: string
  /** CF-Connecting-IP, set by Cloudflare (a client cannot choose it); undefined off Cloudflare. */
  readonly clientIp: string | undefined
}

/** Flow endpoints whose handlers read no bearer token. */
const FLOW_PATHS: ReadonlySet<string> = new Set(['recover', 'verify', 'token', 'otp', 'resend', 'signup', 'magiclink'])
/** Endpoints that act as the person whose access token is the bearer. */
const PERSON_PATHS: ReadonlySet<string> = new Set(['user', 'logout'])

/** An IPv4 or IPv6 literal, as Cloudflare writes CF-Connecting-IP. */
const ipLiteralRe = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i

/** The Auth endpoint a URL names (`/auth/v1/<name>`), or undefined. */
function authEndpoint(url: string): string | undefined {
  const match = /\/auth\/v1\/([a-z_]+)\/?$/.exec(new URL(url).pathname)
  return match?.[1]
}

/** Headers for this call with the secret key and the person's address, or undefined to send it as it is. */
export function forwardedHeaders(url: string, headers: Headers, options: ForwardingOptions): Headers | undefined {
  const endpoint = authEndpoint(url)
  if (!endpoint) return undefined
  const bearer = headers.get('Authorization')
  const isFlow = FLOW_PATHS.has(endpoint)
  const carriesPersonToken = bearer !== null && /^Bearer \S+$/.test(bearer) && bearer !== `Bearer ${options.publishableKey}`
  if (!isFlow && !(PERSON_PATHS.has(endpoint) && carriesPersonToken)) return undefined
  const out = new Headers(headers)
  out.set('apikey', options.secretKey)
  if (isFlow && !carriesPersonToken) out.set('Authorization', `Bearer ${options.secretKey}`)
  const ip = options.clientIp?.trim()
  if (ip && ip.length <= 45 && ipLiteralRe.test(ip)) out.set('Sb-Forwarded-For', ip)
  else out.delete('Sb-Forwarded-For')
  return out
}
