/**
 * A minimal browser for the limits benchmark: cookie jar, same-origin form posts, the client address in
 * `cf-connecting-ip` (what Cloudflare would set), no redirect following. Kept apart from bench/lib so
 * this benchmark does not depend on the main benchmark's internals.
 */

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

/** Hidden and pre-filled inputs of the first POST form in `html`. */
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

/** Run `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await fn(items[index]!, index)
      }
    }),
  )
  return results
}
