/**
 * What global-setup.ts hands to the tests: the Worker's URL and the stand-in's URL and keys, written
 * to a JSON file whose path is in E2E_STACK_FILE. The running stack itself (child process, server)
 * stays in the runner process, on globalThis, for global-teardown.ts.
 */
import { readFileSync } from 'node:fs'
import type { Stack } from '../../scripts/stack'

export const STACK_FILE_ENV = 'E2E_STACK_FILE'

export interface StackInfo {
  /** The Worker (wrangler dev), e.g. http://127.0.0.1:41234; also the stand-in's SITE_URL. */
  readonly workerUrl: string
  /** The stand-in (SUPABASE_URL). */
  readonly authUrl: string
  readonly anonKey: string
  readonly publishableKey: string
  readonly serviceRoleKey: string
  /** The stand-in's HTML inbox. */
  readonly inboxUrl: string
  /** The local Pwned Passwords range server (BREACHED_PASSWORD_API_URL). */
  readonly pwnedUrl: string
  /** The second demo site (SITES), http://localhost:<port>, and its own project's stand-in. */
  readonly siteBUrl: string
  readonly siteBAuthUrl: string
  readonly wranglerPid: number | null
}

let cached: StackInfo | undefined

/** The running stack's URLs and keys (read once per worker process). */
export function stackInfo(): StackInfo {
  if (cached) return cached
  const file = process.env[STACK_FILE_ENV]
  if (!file) throw new Error(`${STACK_FILE_ENV} is not set: run the browser tests with \`npm run test:e2e\` (global-setup starts the stack)`)
  cached = JSON.parse(readFileSync(file, 'utf8')) as StackInfo
  return cached
}

interface RunningStack {
  readonly stack: Stack
  readonly dir: string
}

const KEY = Symbol.for('supabase-reset-worker.e2e.stack')
type Holder = { [KEY]?: RunningStack }

export function setRunningStack(running: RunningStack): void {
  ;(globalThis as Holder)[KEY] = running
}

export function takeRunningStack(): RunningStack | undefined {
  const holder = globalThis as Holder
  const running = holder[KEY]
  delete holder[KEY]
  return running
}
