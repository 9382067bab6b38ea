/**
 * A proxy in front of the stand-in that loses answers after Supabase has acted: the request reaches
 * the stand-in (which does what it asks), then the answer's headers come and its body breaks off or
 * stalls. The stand-in's own faults answer instead of acting, so they cannot show this. Runs in Node
 * (globalSetup); a test adds a rule with POST /__proxy/rules, used once (test/lossy-proxy.ts).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { LossRule } from './lossy-proxy'


const HOP_BY_HOP = new Set(['connection', 'content-length', 'content-encoding', 'transfer-encoding', 'keep-alive'])

export async function startLossyProxy(upstream: string): Promise<{ url: string; stop: () => Promise<void> }> {
  let rules: LossRule[] = []
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const path = new URL(req.url ?? '/', 'http://proxy').pathname
    if (path === '/__proxy/rules') {
      rules.push(JSON.parse(Buffer.concat(chunks).toString()) as LossRule)
      res.end('{}')
      return
    }
    const rule = rules.find((r) => r.path === path && r.method === req.method)
    if (rule) rules = rules.filter((r) => r !== rule)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'host' && !HOP_BY_HOP.has(name)) headers.set(name, value)
    }
    let answer: Response
    let body: Buffer
    try {
      answer = await fetch(upstream + (req.url ?? '/'), {
        method: req.method,
        headers,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
      })
      body = Buffer.from(await answer.arrayBuffer())
    } catch {
      // The stand-in dropped the connection (its `drop` fault): so does the proxy.
      res.socket?.destroy()
      return
    }
    const out: Record<string, string> = {}
    answer.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) out[name] = value
    })
    if (!rule) {
      res.writeHead(answer.status, out).end(body)
      return
    }
    res.writeHead(answer.status, { ...out, 'content-length': String(body.length) })
    res.write(body.subarray(0, 5))
    if (rule.mode === 'break') setTimeout(() => res.socket?.destroy(), 20)
    else setTimeout(() => res.end(body.subarray(5)), rule.stallMs ?? 3000)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
