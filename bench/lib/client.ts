/**
 * A small browser for the benchmark flows: a cookie jar, the headers a browser sends on a same-origin
 * form post (Origin, Sec-Fetch-Site), a client IP in `cf-connecting-ip` (the Worker's edge limits key on
 * it), no redirect following, and every Set-Cookie line kept for the session-mixup check.
 * It asks for uncompressed answers (`accept-encoding: identity`): workerd would otherwise gzip each page
 * in the measured process, work that Cloudflare's edge does outside the Worker in production (and the
 * Express peer, without compression middleware, never does).
 */

export interface Exchange {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly setCookies: readonly string[]
  readonly ms: number
}

export class BenchBrowser {
  readonly jar = new Map<string, string>()
  readonly history: Exchange[] = []

  constructor(
    readonly origin: string,
    readonly ip: string,
  ) {}

  async get(pathOrUrl: string): Promise<Response> {
    return this.request('GET', pathOrUrl)
  }

  async post(pathOrUrl: string, fields: Record<string, string>): Promise<Response> {
    return this.request('POST', pathOrUrl, new URLSearchParams(fields).toString())
  }

  private async request(method: string, pathOrUrl: string, body?: string): Promise<Response> {
    const url = new URL(pathOrUrl, this.origin)
    const headers: Record<string, string> = { 'cf-connecting-ip': this.ip, 'user-agent': 'bench', 'accept-encoding': 'identity' }
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      headers.origin = this.origin
      headers['sec-fetch-site'] = 'same-origin'
    }
    const started = performance.now()
    const response = await fetch(url, { method, headers, body, redirect: 'manual' })
    const text = await response.text()
    const setCookies = response.headers.getSetCookie()
    for (const line of setCookies) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (value === '' || /max-age=0\b/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) this.jar.delete(name)
      else this.jar.set(name, value)
    }
    this.history.push({ method, path: url.pathname, status: response.status, setCookies, ms: performance.now() - started })
    return new Response(text, { status: response.status, headers: response.headers })
  }
}

/** Hidden and pre-filled inputs of the first POST form in `html`, or undefined. */
export function firstPostForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  for (const match of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = match[1] ?? ''
    if (!/method="post"/i.test(attrs)) continue
    const fields: Record<string, string> = {}
    for (const input of (match[2] ?? '').matchAll(/<input([^>]*)\/?>/g)) {
      const name = /name="([^"]*)"/.exec(input[1] ?? '')?.[1]
      const value = /value="([^"]*)"/.exec(input[1] ?? '')?.[1]
      if (name !== undefined && value !== undefined) fields[decode(name)] = decode(value)
    }
    return { action: decode(/action="([^"]*)"/.exec(attrs)?.[1] ?? ''), fields }
  }
  return undefined
}

function decode(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
}

/** The user a Supabase session cookie belongs to, from the Set-Cookie lines of one response. */
export function sessionEmailsIn(setCookies: readonly string[]): string[] {
  const chunks = new Map<string, Map<number, string>>()
  for (const line of setCookies) {
    const [pair = ''] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const value = pair.slice(eq + 1).trim()
    const m = /^(sb-[^.]+-auth-token)(?:\.(\d+))?$/.exec(name)
    if (!m || !value) continue
    const parts = chunks.get(m[1]!) ?? new Map<number, string>()
    parts.set(Number(m[2] ?? 0), value)
    chunks.set(m[1]!, parts)
  }
  const emails: string[] = []
  for (const parts of chunks.values()) {
    const joined = [...parts].sort((a, b) => a[0] - b[0]).map(([, v]) => v).join('')
    const session = decodeSessionCookie(joined)
    const fromUser = (session?.user as { email?: string } | undefined)?.email
    const fromJwt = typeof session?.access_token === 'string' ? jwtEmail(session.access_token) : undefined
    emails.push(...new Set([fromUser ?? '(no user.email)', fromJwt ?? '(no jwt email)']))
  }
  return emails
}

/** `base64-` + base64url(JSON) as @supabase/ssr writes it (or plain JSON from older versions). */
export function decodeSessionCookie(value: string): Record<string, unknown> | undefined {
  try {
    const raw = decodeURIComponent(value)
    const json = raw.startsWith('base64-') ? Buffer.from(raw.slice(7), 'base64url').toString('utf8') : raw
    return JSON.parse(json) as Record<string, unknown>
  } catch {
    return undefined
  }
}

function jwtEmail(token: string): string | undefined {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { email?: string }).email
  } catch {
    return undefined
  }
}
