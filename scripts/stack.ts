/**
 * Starts the whole local stack: the Supabase Auth stand-in, the local Pwned Passwords range server
 * and `wrangler dev` serving the Worker against both. Used by `npm run dev`, the browser tests and the
 * benchmarks, so all three run the same thing a person runs, offline. Node only (child processes);
 * not part of the Worker.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
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
  const workerPort = options.workerPort || (await freePort())
  const workerUrl = `http://127.0.0.1:${workerPort}`
  const auth = await startLocalAuth({ port: options.authPort ?? 0, siteUrl: workerUrl, ...options.auth })
  const pwned = await startLocalPwned(options.pwned)
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
    const authB = await startLocalAuth({ ...options.auth, port: options.secondSite.authPort ?? 0, siteUrl: url })
    siteB = { url, auth: authB }
    vars.SITES = demoSites(workerPort, auth, authB, options.secondSite.siteA)
  }
  // Fresh local state per run: rate-limit counters must not leak between runs or parallel stacks.
  const stateDir = mkdtempSync(path.join(tmpdir(), 'reset-worker-state-'))
  // Its own inspector port: two stacks starting at once would otherwise both take 9229, and one dies.
  const wrangler = spawnWrangler(workerPort, await freePort(), vars, stateDir, options)
  const stop = async () => {
    killGroup(wrangler)
    await Promise.all([auth.stop(), pwned.stop(), siteB?.auth.stop()])
    rmSync(stateDir, { recursive: true, force: true })
  }
  try {
    await waitUntilServing(`${workerUrl}${options.readyPath ?? '/healthz'}`, wrangler)
  } catch (error) {
    await stop()
    throw error
  }
  return { workerUrl, auth, pwned, ...(siteB ? { siteB } : {}), wrangler, stop }
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
  for (const [key, value] of Object.entries(vars)) args.push('--var', `${key}:${value}`)
  return spawn(bin, args, {
    cwd: REPO_ROOT,
    detached: true, // its own process group, so stop() also ends workerd
    stdio: options.inheritOutput ? 'inherit' : 'ignore',
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? '' },
  })
}

async function waitUntilServing(url: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`)
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) })
      return
    } catch {
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  throw new Error(`wrangler dev did not start serving ${url} within ${timeoutMs / 1000} s`)
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return
  try {
    process.kill(-child.pid, 'SIGTERM')
  } catch {
    child.kill('SIGTERM')
  }
}
