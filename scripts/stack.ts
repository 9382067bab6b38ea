/**
 * Starts the whole local stack: the Supabase Auth stand-in, the local Pwned Passwords range server
 * and `wrangler dev` serving the Worker against both. Used by `npm run dev`, the browser tests and the
 * benchmarks, so all three run the same thing a person runs, offline. Node only (child processes);
 * not part of the Worker.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startLocalAuth, type LocalAuth, type LocalAuthOptions } from '../local-auth/index'
import { startLocalPwned, type LocalPwned, type LocalPwnedOptions } from '../local-pwned/index'
import { demoSites } from './demo-sites'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface StackOptions {
  /** Port for wrangler dev; 0 picks a free one. */
  readonly workerPort?: number
  /** Port for the stand-in; 0 picks a free one. */
  readonly authPort?: number
  /** Extra stand-in options (seed, latency, …). */
  readonly auth?: LocalAuthOptions
  /** Options for the local range server (port, latency, …); the Worker's BREACHED_PASSWORD_API_URL. */
  readonly pwned?: LocalPwnedOptions
  /** Extra Worker bindings, as `--var` values. */
  readonly vars?: Readonly<Record<string, string>>
  /** Wrangler config file (the benchmarks also run a baseline Worker). */
  readonly config?: string
  /** Path polled until the Worker answers. */
  readonly readyPath?: string
  /** Show wrangler's output (for `npm run dev`). */
  readonly inheritOutput?: boolean
  /**
   * Serve a second site on `localhost` (the first answers on 127.0.0.1) with its own stand-in project
   * and branding (scripts/demo-sites.ts); `siteA` adds settings to the first site.
   */
  readonly secondSite?: { readonly authPort?: number; readonly siteA?: Record<string, unknown> }
  /**
   * Aborting it during start-up stops whatever has started (wrangler's whole process group included)
   * and makes startStack reject with the signal's reason; `npm run dev` aborts on Ctrl+C.
   */
  readonly signal?: AbortSignal
}

/** Which of the stack's servers a port belongs to. */
export type StackServer = 'worker' | 'auth' | 'pwned' | 'authB'

const SERVER_NAMES: Readonly<Record<StackServer, string>> = {
  worker: 'the Worker',
  auth: "site A's Supabase Auth stand-in",
  pwned: 'the Pwned Passwords stand-in',
  authB: "site B's Supabase Auth stand-in",
}

/**
 * A port the stack was asked to use is taken. startStack checks the Worker's before starting anything,
 * so whatever answers there (a `wrangler dev` left over from an earlier run, say) is never taken for
 * this stack's Worker; the stand-ins' come from their own listen. `server` says whose port it is, so
 * callers can name the setting that moves it.
 */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE'
  constructor(
    readonly server: StackServer,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`port ${port} (${SERVER_NAMES[server]}) is already in use`, options)
    this.name = 'PortInUseError'
  }
}

export interface Stack {
  readonly workerUrl: string
  readonly auth: LocalAuth
  readonly pwned: LocalPwned
  /** With `secondSite`: the second site's URL (http://localhost:<port>) and its project's stand-in. */
  readonly siteB?: { readonly url: string; readonly auth: LocalAuth }
  readonly wrangler: ChildProcess
  stop(): Promise<void>
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { signal } = options
  signal?.throwIfAborted()
  // A taken Worker port is refused before anything starts: waitUntilServing accepts any answer, so a
  // wrangler left over from an earlier run would pass for this one until the new wrangler failed to bind.
  if (options.workerPort) await assertPortFree(options.workerPort, 'worker')
  const workerPort = options.workerPort || (await freePort())
  const workerUrl = `http://127.0.0.1:${workerPort}`
  const servers: Array<{ stop(): Promise<void> }> = []
  let wrangler: ChildProcess | undefined
  let stateDir: string | undefined
  // The last resort, for an exit without stop() (a crash, process.exit, a signal handled by exiting):
  // wrangler is in its own process group, so nothing else would ever end it or workerd.
  const killOnExit = () => {
    if (wrangler) killGroup(wrangler, 'SIGKILL')
    if (stateDir) rmSync(stateDir, { recursive: true, force: true })
  }
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      try {
        await Promise.all([wrangler && stopWrangler(wrangler), ...servers.map((server) => server.stop())])
      } finally {
        process.off('exit', killOnExit)
        if (stateDir) rmSync(stateDir, { recursive: true, force: true })
      }
    })())
  try {
    const auth = await startLocalAuth({ port: options.authPort ?? 0, siteUrl: workerUrl, ...options.auth }).catch(
      portTaken('auth', options.authPort),
    )
    servers.push(auth)
    signal?.throwIfAborted()
    const pwned = await startLocalPwned(options.pwned).catch(portTaken('pwned', options.pwned?.port))
    servers.push(pwned)
    signal?.throwIfAborted()
    const vars: Record<string, string> = {
      SUPABASE_URL: auth.url,
      SUPABASE_PUBLISHABLE_KEY: auth.publishableKey,
      SITE_URL: workerUrl,
      BREACHED_PASSWORD_API_URL: pwned.url,
      ...options.vars,
    }
    let siteB: Stack['siteB']
    if (options.secondSite) {
      const url = `http://localhost:${workerPort}`
      const authB = await startLocalAuth({ ...options.auth, port: options.secondSite.authPort ?? 0, siteUrl: url }).catch(
        portTaken('authB', options.secondSite.authPort),
      )
      servers.push(authB)
      signal?.throwIfAborted()
      siteB = { url, auth: authB }
      vars.SITES = demoSites(workerPort, auth, authB, options.secondSite.siteA)
    }
    // Its own inspector port: two stacks starting at once would otherwise both take 9229, and one dies.
    const inspectorPort = await freePort()
    signal?.throwIfAborted()
    // Fresh local state per run: rate-limit counters must not leak between runs or parallel stacks.
    stateDir = mkdtempSync(path.join(tmpdir(), 'reset-worker-state-'))
    process.on('exit', killOnExit)
    wrangler = spawnWrangler(workerPort, inspectorPort, vars, stateDir, options)
    await waitUntilServing(`${workerUrl}${options.readyPath ?? '/healthz'}`, wrangler, signal)
    signal?.throwIfAborted()
    return { workerUrl, auth, pwned, ...(siteB ? { siteB } : {}), wrangler, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** Rejects with PortInUseError when `port` on 127.0.0.1 (where wrangler listens) is taken. */
function assertPortFree(port: number, server: StackServer): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(server, port, { cause: error }) : error),
    )
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()))
  })
}

/** For a stand-in's failed start: a taken port becomes a PortInUseError naming whose port it is. */
function portTaken(server: StackServer, port: number | undefined) {
  return (error: unknown): never => {
    const taken = error as { code?: unknown; port?: unknown } | null
    if (taken?.code === 'EADDRINUSE') {
      throw new PortInUseError(server, typeof taken.port === 'number' ? taken.port : (port ?? 0), { cause: error })
    }
    throw error
  }
}

function spawnWrangler(
  port: number,
  inspectorPort: number,
  vars: Record<string, string>,
  stateDir: string,
  options: StackOptions,
): ChildProcess {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'wrangler')
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort)]
  args.push('--persist-to', stateDir, '--show-interactive-dev-session=false')
  if (options.config) args.push('--config', options.config)
  // The stack's bindings are all in `vars`. wrangler would lay a `.dev.vars` beside the config (an
  // operator's real settings, say COOKIE_DOMAIN) over them and break the demo; given an env file, it
  // reads that instead, and this one is empty.
  const noDevVars = path.join(stateDir, 'empty.env')
  writeFileSync(noDevVars, '')
  args.push('--env-file', noDevVars)
  for (const [key, value] of Object.entries(vars)) args.push('--var', `${key}:${value}`)
  return spawn(bin, args, {
    cwd: REPO_ROOT,
    // Its own process group, so stop() also ends workerd. The terminal's Ctrl+C (and SIGHUP) never
    // reach it: only stop() or, failing that, the process-exit hook in startStack ends it.
    detached: true,
    stdio: options.inheritOutput ? 'inherit' : 'ignore',
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? '' },
  })
}

async function waitUntilServing(url: string, child: ChildProcess, signal?: AbortSignal, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    signal?.throwIfAborted()
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`wrangler dev exited with ${child.signalCode ?? `code ${child.exitCode}`}`)
    }
    try {
      const timeout = AbortSignal.timeout(2000)
      await fetch(url, { signal: signal ? AbortSignal.any([timeout, signal]) : timeout })
      return
    } catch {
      await sleep(250, signal)
    }
  }
  throw new Error(`wrangler dev did not start serving ${url} within ${timeoutMs / 1000} s`)
}

/** A delay that ends early (without throwing) when `signal` aborts; the caller checks the signal. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * SIGTERM to wrangler's process group, then, once its leader has exited (or after `graceMs`), SIGKILL
 * to whatever of the group is left (workerd), so its port is free when this resolves.
 */
async function stopWrangler(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, graceMs)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    killGroup(child, 'SIGTERM')
    await exited
  }
  killGroup(child, 'SIGKILL')
}

/**
 * Signals wrangler's whole process group (workerd included), even after its leader has exited; then only
 * while a member of that group is still wrangler's or workerd's, so a group id the system has since
 * given to someone else is never signalled.
 */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  if ((child.exitCode !== null || child.signalCode !== null) && !isWranglersGroup(child.pid)) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // ESRCH: the group is gone already. Otherwise at least the leader.
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
}

/** Whether a live process in group `pgid` runs wrangler or workerd (Linux /proc; elsewhere, assume so). */
export function isWranglersGroup(pgid: number): boolean {
  if (!existsSync('/proc/self/stat')) return true
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // Fields after the command name in parentheses: state, ppid, pgrp, …
      const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
      if (pgrp === pgid && /wrangler|workerd/.test(readFileSync(`/proc/${entry}/cmdline`, 'utf8'))) return true
    } catch {
      // the process ended while we looked
    }
  }
  return false
}
