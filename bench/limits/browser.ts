/**
 * A minimal browser for the limits benchmark: cookie jar, same-origin form posts, the client address in
 * `cf-connecting-ip` (what Cloudflare would set), no redirect following. Form parsing is the main
 * benchmark's (bench/lib/client.ts).
 */
import { firstPostForm } from '../lib/client'

export { firstPostForm }
export { pool } from '../lib/flow'

export class LimitsBrowser {
  readonly jar = new Map<string, string>()

  constructor(
    readonly origin: string,
    readonly ip: string,
  ) {}

  get(pathOrUrl: string): Promise<Response> {
    return this.request('GET', pathOrUrl)
  }

  post(pathOrUrl: string, fields: Record<string, string>): Promise<Response> {
    return this.request('POST', pathOrUrl, new URLSearchParams(fields).toString())
  }

  /** Submit the first POST form of `html` with `fields` added. */
  submit(html: string, fields: Record<string, string> = {}): Promise<Response> {
    const form = firstPostForm(html)
    if (!form) throw new Error('no POST form on the page')
    return this.post(form.action, { ...form.fields, ...fields })
  }

  private async request(method: string, pathOrUrl: string, body?: string): Promise<Response> {
    const url = new URL(pathOrUrl, this.origin)
    const headers: Record<string, string> = { 'cf-connecting-ip': this.ip }
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      headers.origin = this.origin
      headers['sec-fetch-site'] = 'same-origin'
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' })
    const text = await response.text()
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      if (value === '' || /max-age=0\b/i.test(line)) this.jar.delete(name)
      else this.jar.set(name, value)
    }
    return new Response(text, { status: response.status, headers: response.headers })
  }
}
