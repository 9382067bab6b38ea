/**
 * A local stand-in for the Pwned Passwords range API (`GET /range/{prefix}`), so the Worker's
 * breached-password check runs in tests, browser tests, benchmarks and `npm run dev` with no network.
 * Node only (node:http). It logs every request it receives (method, path, query, headers, body size)
 * so tests can prove what left the Worker, and it can be made slow, failing, garbled or silent.
 * For local development and tests only: the breached set is a short seeded list, not the real one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildRange, PREFIX_RE, sha1Hex } from './range'
import { KNOWN_BREACHED_PASSWORDS } from './seed'

export { KNOWN_BREACHED_PASSWORDS } from './seed'
export { buildRange, sha1Hex } from './range'

/** Options for `startLocalPwned`. */
export interface LocalPwnedOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number
  /** Interface; default 127.0.0.1. */
  readonly host?: string
  /** Honour `Add-Padding: true` (default true); false behaves like a mirror that never pads. */
  readonly padding?: boolean
  /** Delay before every range answer (upstream latency), in ms; default 0. */
  readonly latencyMs?: number
  /** Breached passwords and counts; default KNOWN_BREACHED_PASSWORDS. */
  readonly passwords?: Readonly<Record<string, number>>
  /** Where to write one line per request; silent by default. */
  readonly log?: (line: string) => void
}

/** How the next range requests misbehave (POST /__local/faults). */
export interface RangeFault {
  /** slow: answer after `delay_ms`; fail: `status`; garble: 200 with `body`; drop: close the socket. */
  readonly mode: 'slow' | 'fail' | 'garble' | 'drop'
  /** How many range requests this applies to (default 1). */
  readonly times?: number
  readonly delay_ms?: number
  readonly status?: number
  readonly body?: string
}

/** One request as the server received it. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: string
  readonly headers: Readonly<Record<string, string>>
  readonly body_bytes: number
  readonly time: number
}

export interface LocalPwned {
  /** Base URL for BREACHED_PASSWORD_API_URL, e.g. http://127.0.0.1:41234 */
  readonly url: string
  stop(): Promise<void>
}

interface State {
  known: Map<string, number>
  faults: Array<RangeFault & { left: number }>
  requests: RecordedRequest[]
  latencyMs: number
}

const GARBLED = '<!doctype html><title>502 Bad Gateway</title><h1>Bad Gateway</h1>'

export async function startLocalPwned(options: LocalPwnedOptions = {}): Promise<LocalPwned> {
  const seed = options.passwords ?? KNOWN_BREACHED_PASSWORDS
  const initial = () => new Map(Object.entries(seed).map(([password, count]) => [sha1Hex(password), count]))
  const state: State = { known: initial(), faults: [], requests: [], latencyMs: options.latencyMs ?? 0 }
  const reset = () => Object.assign(state, { known: initial(), faults: [], requests: [], latencyMs: options.latencyMs ?? 0 })

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      handle(req, res, body, state, { padding: options.padding ?? true, reset })
        .catch((error: unknown) => {
          options.log?.(`error: ${String(error)}`)
          if (!res.headersSent) res.writeHead(500).end()
        })
        .finally(() => options.log?.(`${req.method} ${req.url} ${res.statusCode}`))
    })
  })
  // Tests abort slow answers; a write to a closed socket is not an error worth crashing for.
  server.on('clientError', (_error, socket) => socket.destroy())
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    // Without this a taken port (54322 is also `supabase start`'s database port) is an unhandled
    // 'error' event that kills the process; callers get an error naming the port instead.
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, options.port ?? 0, host))
    server.once('error', onError)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * What a failed listen rejects with: for a taken port, an error whose message names the port, keeping
 * `code` ('EADDRINUSE') and `port` so callers (scripts/stack.ts, cli.ts) can say which setting moves it.
 */
function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code !== 'EADDRINUSE') return error
  return Object.assign(new Error(`local-pwned: port ${port} on ${host} is already in use`, { cause: error }), { code: 'EADDRINUSE', port })
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  state: State,
  context: { padding: boolean; reset: () => void },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://local')
  if (url.pathname.startsWith('/__local/')) return control(req.method ?? 'GET', url.pathname, body, res, state, context.reset)
  state.requests.push({
    method: req.method ?? '',
    path: url.pathname,
    query: url.search,
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
    body_bytes: body.length,
    time: Date.now(),
  })
  const match = /^\/range\/([^/]*)$/.exec(url.pathname)
  if (req.method !== 'GET' || !match) return text(res, 404, 'Not found')
  const prefix = match[1] ?? ''
  if (!PREFIX_RE.test(prefix)) return text(res, 400, 'The hash prefix was not in a valid format')
  const fault = takeFault(state)
  if (state.latencyMs > 0) await sleep(state.latencyMs)
  switch (fault?.mode) {
    case 'drop':
      req.socket.destroy()
      return
    case 'fail':
      return text(res, fault.status ?? 503, 'Service unavailable')
    case 'garble':
      return text(res, 200, fault.body ?? GARBLED)
    case 'slow':
      await sleep(fault.delay_ms ?? 5000)
      break
  }
  const pad = context.padding && String(req.headers['add-padding']).toLowerCase() === 'true'
  if (!res.destroyed) text(res, 200, buildRange(prefix, state.known, pad), { 'Cache-Control': 'public, max-age=2678400' })
}

function takeFault(state: State): RangeFault | undefined {
  const fault = state.faults[0]
  if (!fault) return undefined
  if (--fault.left <= 0) state.faults.shift()
  return fault
}

/** The test-control API (README): not part of the real range API. */
function control(method: string, path: string, body: Buffer, res: ServerResponse, state: State, reset: () => void) {
  const input = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}
  const route = `${method} ${path}`
  switch (route) {
    case 'POST /__local/reset':
      reset()
      return json(res, {})
    case 'GET /__local/requests':
      return json(res, { requests: state.requests })
    case 'DELETE /__local/requests':
      state.requests = []
      return json(res, {})
    case 'POST /__local/faults': {
      const fault = input as unknown as RangeFault
      if (!['slow', 'fail', 'garble', 'drop'].includes(fault.mode)) return json(res, { error: 'mode' }, 400)
      state.faults.push({ ...fault, left: fault.times ?? 1 })
      return json(res, {})
    }
    case 'DELETE /__local/faults':
      state.faults = []
      return json(res, {})
    case 'POST /__local/passwords': {
      const { password, count } = input as { password?: unknown; count?: unknown }
      if (typeof password !== 'string' || typeof count !== 'number') return json(res, { error: 'password, count' }, 400)
      const hash = sha1Hex(password)
      state.known.set(hash, count)
      return json(res, { prefix: hash.slice(0, 5) })
    }
    case 'POST /__local/latency':
      state.latencyMs = Number(input.latency_ms ?? 0)
      return json(res, { latency_ms: state.latencyMs })
    default:
      return json(res, { error: 'not found' }, 404)
  }
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers }).end(body)
}

function json(res: ServerResponse, body: unknown, status = 200) {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
