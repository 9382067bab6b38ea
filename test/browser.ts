/**
 * A tiny browser for integration tests: a cookie jar that honours Set-Cookie (including deletion),
 * the headers a real browser sends on same-origin form posts, and form submission from the HTML
 * the Worker rendered (hidden fields included), so tests read like a person clicking through.
 */
import { exports } from 'cloudflare:workers'
import { TEST_ORIGIN } from './origin'

export type Fetcher = (request: Request) => Promise<Response>

export const viaEntrypoint: Fetcher = (request) => exports.default.fetch(request)

export interface BrowserOptions {
  /** The client IP Cloudflare would report; random by default so edge limits don't collide across tests. */
  readonly ip?: string
  readonly fetcher?: Fetcher
  readonly origin?: string
}

export interface ParsedForm {
  readonly action: string
  readonly method: string
  readonly fields: Record<string, string>
}

export function randomIp(): string {
  const byte = () => Math.floor(Math.random() * 254) + 1
  return `10.${byte()}.${byte()}.${byte()}`
}

export function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** Every <form> in the page with its hidden and pre-filled fields. */
export function parseForms(html: string): ParsedForm[] {
  const forms: ParsedForm[] = []
  for (const match of html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = match[1] ?? ''
    const action = decodeEntities(/action="([^"]*)"/.exec(attrs)?.[1] ?? '')
    const method = (/method="([^"]*)"/.exec(attrs)?.[1] ?? 'get').toLowerCase()
    const fields: Record<string, string> = {}
    for (const input of (match[2] ?? '').matchAll(/<input([^>]*)\/?>/g)) {
      const name = /name="([^"]*)"/.exec(input[1] ?? '')?.[1]
      const value = /value="([^"]*)"/.exec(input[1] ?? '')?.[1]
      if (name !== undefined && value !== undefined) fields[decodeEntities(name)] = decodeEntities(value)
    }
    forms.push({ action, method, fields })
  }
  return forms
}

export class Browser {
  readonly jar = new Map<string, string>()
  readonly ip: string
  readonly origin: string
  private readonly fetcher: Fetcher

  constructor(options: BrowserOptions = {}) {
    this.ip = options.ip ?? randomIp()
    this.fetcher = options.fetcher ?? viaEntrypoint
    this.origin = options.origin ?? TEST_ORIGIN
  }

  /** One request, no redirect following; Set-Cookie lands in the jar. */
  async request(pathOrUrl: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
    const url = new URL(pathOrUrl, this.origin)
    const headers: Record<string, string> = { 'cf-connecting-ip': this.ip, ...init.headers }
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    if (cookie && !('cookie' in headers)) headers.cookie = cookie
    const response = await this.fetcher(new Request(url, { ...init, headers, redirect: 'manual' }))
    this.store(response)
    return response
  }

  get(pathOrUrl: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(pathOrUrl, { method: 'GET', headers })
  }

  /** A same-origin form post, as a browser sends it. */
  post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(fields).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.origin,
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
    })
  }

  /** Fill and submit the first POST form of `html` (hidden fields included) with `fields`. */
  submit(html: string, fields: Record<string, string> = {}, formIndex = 0): Promise<Response> {
    const form = parseForms(html).filter((f) => f.method === 'post')[formIndex]
    if (!form) throw new Error('no POST form on the page')
    return this.post(form.action, { ...form.fields, ...fields })
  }

  /** Follow a redirect response with a GET. */
  follow(response: Response): Promise<Response> {
    const location = response.headers.get('location')
    if (!location) throw new Error(`not a redirect: ${response.status}`)
    return this.get(location)
  }

  cookieNames(): string[] {
    return [...this.jar.keys()]
  }

  private store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const parsed = parseSetCookie(line)
      if (parsed.maxAge === 0 || parsed.value === '') this.jar.delete(parsed.name)
      else this.jar.set(parsed.name, parsed.value)
    }
  }
}

export interface SetCookieLine {
  readonly name: string
  readonly value: string
  readonly maxAge: number | undefined
  /** Lower-cased attribute names to values (`true` for flags). */
  readonly attributes: Readonly<Record<string, string | true>>
}

export function parseSetCookie(line: string): SetCookieLine {
  const [pair = '', ...attrs] = line.split(';')
  const eq = pair.indexOf('=')
  const attributes: Record<string, string | true> = {}
  for (const attr of attrs) {
    const [key = '', ...rest] = attr.trim().split('=')
    attributes[key.toLowerCase()] = rest.length ? rest.join('=') : true
  }
  const maxAge = typeof attributes['max-age'] === 'string' ? Number(attributes['max-age']) : undefined
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), maxAge, attributes }
}
