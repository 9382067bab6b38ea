/**
 * Starts the whole local stack once for the browser tests (the same `startStack()` that `npm run dev`
 * uses): the Supabase Auth stand-in and `wrangler dev` serving the Worker against it, on free ports.
 * A second site (SITES) answers on localhost with its own stand-in project and branding.
 * The stand-in's per-user resend gap is off, so one user can ask for several resets in a test.
 * Tests read the URLs and keys from a JSON file in a temp folder (path in E2E_STACK_FILE, which the
 * workers inherit); global-teardown.ts stops the stack and removes the folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startStack } from '../scripts/stack'
import { type StackInfo, STACK_FILE_ENV, setRunningStack } from './support/stack-info'

export default async function globalSetup(): Promise<void> {
  const started = Date.now()
  const stack = await startStack({ auth: { maxFrequencySeconds: 0 }, secondSite: {} })
  const dir = mkdtempSync(path.join(tmpdir(), 'reset-e2e-'))
  const file = path.join(dir, 'stack.json')
  const info: StackInfo = {
    workerUrl: stack.workerUrl,
    authUrl: stack.auth.url,
    anonKey: stack.auth.anonKey,
    publishableKey: stack.auth.publishableKey,
    serviceRoleKey: stack.auth.serviceRoleKey,
    inboxUrl: stack.auth.inboxUrl,
    pwnedUrl: stack.pwned.url,
    siteBUrl: stack.siteB?.url ?? '',
    siteBAuthUrl: stack.siteB?.auth.url ?? '',
    wranglerPid: stack.wrangler.pid ?? null,
  }
  writeFileSync(file, JSON.stringify(info, null, 2))
  process.env[STACK_FILE_ENV] = file
  setRunningStack({ stack, dir })
  console.log(`e2e stack: worker ${info.workerUrl}, auth ${info.authUrl} (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`)
}
