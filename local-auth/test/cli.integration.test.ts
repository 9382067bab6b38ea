// `npm run auth:local`: the CLI prints KEY=value settings, serves the seeded demo user, and exits on SIGTERM.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

describe('cli.ts', () => {
  it('prints settings, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local-auth/cli.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', SITE_URL: 'http://127.0.0.1:9999' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const settings = await new Promise<Record<string, string>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`CLI did not print settings: ${out}`)), 10_000)
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('DEMO_PASSWORD=')) {
          clearTimeout(timer)
          resolve(Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])))
        }
      })
    })
    expect(Object.keys(settings)).toEqual([
      'SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_PUBLISHABLE_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_SECRET_KEY',
      'INBOX_URL', 'SUPABASE_MANAGEMENT_API_URL', 'SUPABASE_ACCESS_TOKEN', 'SUPABASE_PROJECT_REF', 'DEMO_EMAIL', 'DEMO_PASSWORD',
    ])
    // The Management API subset answers with the printed token and ref.
    const managed = await fetch(`${settings.SUPABASE_MANAGEMENT_API_URL}/v1/projects/${settings.SUPABASE_PROJECT_REF}/config/auth`, {
      headers: { Authorization: `Bearer ${settings.SUPABASE_ACCESS_TOKEN}` },
    })
    expect(managed.status).toBe(200)
    expect(settings.INBOX_URL).toBe(`${settings.SUPABASE_URL}/inbox`)
    const res = await fetch(`${settings.SUPABASE_URL}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: settings.SUPABASE_ANON_KEY!, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: settings.DEMO_EMAIL, password: settings.DEMO_PASSWORD }),
    })
    expect(res.status).toBe(200)
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }, 20_000)
})
