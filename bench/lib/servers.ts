/**
 * The servers the bench compares, each in its own process so the kernel's CPU accounting separates them:
 * - `ours` and `baseline`: the Worker's deploy bundle (`wrangler deploy --dry-run --minify`) served by
 *   Miniflare's workerd directly ("lean": no `wrangler dev`, no proxy workerd, no inspector unless asked),
 *   with the bindings and rate limits of its wrangler.toml. Requests reach the Worker through a socket of
 *   its own (Miniflare's `unsafeDirectSockets`), not through Miniflare's entry Worker: that hop (a second
 *   isolate that rebuilds the request, parses a `cf` blob and forwards it over a service binding) is
 *   local-development plumbing production does not have, and cost an empty Worker 0.23 of its 0.33 ms of
 *   CPU per request on the bench machine;
 * - `peer`: the Express server of bench/peer/ on this Node (22), as `node app.js`;
 * - the Supabase Auth stand-in, in its own Node process (auth-child.ts);
 * - the local Pwned Passwords range server (local-pwned/), in its own Node process (pwned-child.ts): ours
 *   checks new passwords against it, as it would against the real API (a bench must never send traffic
 *   off this machine); its CPU is read apart, because the real API costs the Worker's machine nothing.
 * Every process here is one the bench started; stop() ends it by its own handle or pid.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createRequire } from 'node:module'
import { freePort } from '../../scripts/stack'
import { limiterWorkerSource, type LimiterSpec } from './limiter-worker'
import { childPids, newWorkerdChild } from './proc'
import { BENCH_DIR, CONFIG, REPO_ROOT, type WorkerId } from './paths'
import { sleep } from './stats'

const require = createRequire(path.join(REPO_ROOT, 'node_modules', 'wrangler', 'package.json'))
type MiniflareModule = typeof import('miniflare')
type WranglerModule = typeof import('wrangler')

export type ServerId = WorkerId | 'peer'
export const SERVERS: readonly ServerId[] = ['ours', 'baseline', 'peer']

export interface StandIn {
  readonly url: string
  readonly publishableKey: string
  readonly anonKey: string
  readonly pid: number
  readonly latencyMs: number
  stop(): Promise<void>
}

export interface Server {
  readonly id: ServerId
  readonly url: string
  readonly authUrl: string
  /** The process whose CPU is the server's: workerd for a Worker, node for the peer. */
  readonly pid: number
  /** Chrome DevTools Protocol WebSocket URL of the server's JS isolate, when started with `inspector`. */
  readonly inspectorUrl?: string
  stop(): Promise<void>
}

const live = new Set<{ stop(): Promise<void> }>()

/** A bench child (auth-child.ts, pwned-child.ts) and what it sent once ready. */
async function forkChild<Ready>(file: string, args: string[], what: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child: ChildProcess = fork(path.join(BENCH_DIR, 'lib', file), args, {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${what} exited early (code ${code})`)))
    child.on('message', (m: { type: string; error?: string } & Record<string, unknown>) => {
      if (m.type === 'ready') resolve(m as Ready)
      if (m.type === 'failed') reject(new Error(`${what} failed: ${m.error}`))
    })
  })
  return { child, ready }
}

/** The local range server for the whole bench, in its own process, started on first use. */
let pwned: Promise<{ url: string; pid: number }> | undefined
function rangeServer(): Promise<{ url: string; pid: number }> {
  pwned ??= forkChild<{ url: string }>('pwned-child.ts', [], 'range server').then(
    ({ child, ready }) => {
      const entry = {
        stop: async () => {
          live.delete(entry)
          pwned = undefined
          await stopChild(child, () => child.send({ type: 'stop' }))
        },
      }
      live.add(entry)
      return { url: ready.url, pid: child.pid! }
    },
    (error: unknown) => {
      pwned = undefined
      throw error
    },
  )
  return pwned
}

/** The range server's pid once started (its CPU per reset is reported apart), else undefined. */
export async function rangeServerPid(): Promise<number | undefined> {
  return pwned && (await pwned).pid
}

export async function startStandIn(latencyMs: number): Promise<StandIn> {
  const { child, ready } = await forkChild<{ url: string; publishableKey: string; anonKey: string }>('auth-child.ts', [JSON.stringify({ latencyMs })], 'stand-in')
  const standIn: StandIn = {
    ...ready,
    pid: child.pid!,
    latencyMs,
    async stop() {
      live.delete(standIn)
      await stopChild(child, () => child.send({ type: 'stop' }))
    },
  }
  live.add(standIn)
  return standIn
}

/** Serve a built Worker bundle in Miniflare (workerd) on a free loopback port. */
export async function startLean(
  worker: WorkerId,
  mainFile: string,
  auth: StandIn,
  options: { inspector?: boolean; limits?: 'counter' | 'miniflare' | 'none'; bindings?: Record<string, string> } = {},
): Promise<Server> {
  const limits = options.limits ?? 'counter'
  const { Miniflare, convertV4MiniflareOptions } = require('miniflare') as MiniflareModule
  const { unstable_getMiniflareWorkerOptions } = require('wrangler') as WranglerModule
  // The bindings and rate limits wrangler would deploy, from the Worker's own wrangler.toml.
  const fromToml = unstable_getMiniflareWorkerOptions(CONFIG[worker]).workerOptions as Record<string, unknown>
  const port = await freePort()
  const direct = await freePort()
  const url = `http://127.0.0.1:${direct}`
  // Started before the snapshot of child processes below, so the new child found after it is workerd.
  const range = await rangeServer()
  const before = new Set(await childPids(process.pid))
  const ratelimits = (fromToml.ratelimits ?? {}) as Record<string, { simple: { limit: number; period: number } }>
  const specs: LimiterSpec[] = Object.entries(ratelimits).map(([name, r]) => ({ name, limit: r.simple.limit, period: r.simple.period }))
  const compatibilityDate = fromToml.compatibilityDate as string
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      workers: [
        {
          name: worker,
          compatibilityDate,
          compatibilityFlags: fromToml.compatibilityFlags as string[],
          modulesRoot: path.dirname(mainFile),
          modules: [{ type: 'ESModule', path: mainFile, contents: await readFile(mainFile, 'utf8') }],
          bindings: {
            ...(fromToml.bindings as Record<string, string>),
            SUPABASE_URL: auth.url,
            SUPABASE_PUBLISHABLE_KEY: auth.publishableKey,
            SITE_URL: url,
            BREACHED_PASSWORD_API_URL: range.url,
            ...options.bindings,
          },
          unsafeDirectSockets: [{ host: '127.0.0.1', port: direct }],
          ...(limits === 'miniflare' ? { ratelimits } : {}),
          ...(limits === 'counter' && specs.length
            ? { serviceBindings: Object.fromEntries(specs.map((l) => [l.name, { name: 'bench-limiter', entrypoint: l.name }])) }
            : {}),
        },
        ...(limits === 'counter' && specs.length
          ? [{ name: 'bench-limiter', compatibilityDate, modules: true, script: limiterWorkerSource(specs) }]
          : []),
      ],
      host: '127.0.0.1',
      port,
      ...(options.inspector ? { inspectorPort: 0 } : {}),
      // Log lines are produced (and cost the isolate what they cost); the bench just does not print them.
      handleStructuredLogs: () => {},
    } as Parameters<MiniflareModule['convertV4MiniflareOptions']>[0]),
  )
  await mf.ready
  const pid = await newWorkerdChild(before)
  if (pid === undefined) throw new Error(`could not find the workerd process serving ${worker}`)
  const inspectorUrl = options.inspector ? new URL(`/core:user:${worker}`, (await mf.getInspectorURL()).href).href : undefined
  await waitUntilServing(`${url}/account/forgot-password`)
  const server: Server = {
    id: worker,
    url,
    authUrl: auth.url,
    pid,
    ...(inspectorUrl ? { inspectorUrl } : {}),
    async stop() {
      live.delete(server)
      await mf.dispose()
    },
  }
  live.add(server)
  return server
}

/** Start the Express peer (bench/peer/app.js) on this Node, as `node app.js` with the guide's env vars. */
export async function startPeer(auth: StandIn, options: { inspector?: boolean } = {}): Promise<Server> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const inspectArgs = options.inspector ? ['--inspect=127.0.0.1:0'] : []
  const child = spawn(process.execPath, [...inspectArgs, path.join(BENCH_DIR, 'peer', 'app.js')], {
    cwd: path.join(BENCH_DIR, 'peer'),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port), SUPABASE_URL: auth.url, SUPABASE_ANON_KEY: auth.publishableKey },
  })
  let stderr = ''
  const inspector = new Promise<string>((resolve) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const match = /Debugger listening on (ws:\/\/\S+)/.exec(stderr)
      if (match) resolve(match[1]!)
    })
  })
  try {
    await waitUntilServing(`${url}/account/forgot-password`, child)
  } catch (error) {
    child.kill('SIGKILL')
    throw new Error(`${error instanceof Error ? error.message : error}\n${stderr}`)
  }
  const server: Server = {
    id: 'peer',
    url,
    authUrl: auth.url,
    pid: child.pid!,
    ...(options.inspector ? { inspectorUrl: await inspector } : {}),
    async stop() {
      live.delete(server)
      await stopChild(child, () => child.kill('SIGTERM'))
    },
  }
  live.add(server)
  return server
}

export async function startServer(id: ServerId, bundles: Record<WorkerId, string>, auth: StandIn, options: { inspector?: boolean } = {}): Promise<Server> {
  return id === 'peer' ? startPeer(auth, options) : startLean(id, bundles[id], auth, options)
}

/** Stop everything still running (on error or Ctrl+C). */
export async function stopAllServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.stop().catch(() => {})))
}

async function stopChild(child: ChildProcess, ask: () => void): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    ask()
  } catch {
    // already gone
  }
  await Promise.race([exited, sleep(5000)])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

async function waitUntilServing(url: string, child?: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the server exited with code ${child.exitCode}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
      await response.arrayBuffer()
      return
    } catch {
      await sleep(100)
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`)
}

/**
 * An empty Worker (answers every request with 200 "ok") served the same way as the lean servers: its
 * CPU per request is the runtime's own share of every request (HTTP parsing, the isolate's event loop),
 * the same for ours and the baseline, so the report can show the ratio with and without it.
 */
export async function startControl(): Promise<Server> {
  const { Miniflare, convertV4MiniflareOptions } = require('miniflare') as MiniflareModule
  const port = await freePort()
  const direct = await freePort()
  const before = new Set(await childPids(process.pid))
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      name: 'control',
      compatibilityDate: '2026-11-01',
      modules: true,
      script: "export default { fetch() { return new Response('ok') } }",
      unsafeDirectSockets: [{ host: '127.0.0.1', port: direct }],
      host: '127.0.0.1',
      port,
      handleStructuredLogs: () => {},
    } as Parameters<MiniflareModule['convertV4MiniflareOptions']>[0]),
  )
  await mf.ready
  const pid = await newWorkerdChild(before)
  if (pid === undefined) throw new Error('could not find the control workerd')
  const server: Server = {
    id: 'baseline',
    url: `http://127.0.0.1:${direct}`,
    authUrl: '',
    pid,
    async stop() {
      live.delete(server)
      await mf.dispose()
    },
  }
  live.add(server)
  return server
}
