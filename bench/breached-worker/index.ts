/**
 * Benchmark-only Worker for bench/breached.ts: `POST /check` runs the breached-password check
 * (src/breached-password.ts, the very code the new-password route calls) on the body and answers its
 * outcome; any other POST reads the body and answers `{}` (the same request without the check), so
 * the difference between the two is what the check adds. Never deployed.
 */
import { checkPassword } from '../../src/breached-password'
import { ConfigError } from '../../src/config'
import { loadSiteConfig } from '../../src/sites'

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method !== 'POST') return new Response('ok')
    const body = await request.text()
    const path = new URL(request.url).pathname
    if (path !== '/check') return Response.json({})
    const config = loadSiteConfig(env, new URL(request.url).hostname)
    if (config === undefined) return new Response('no site', { status: 404 })
    if (config instanceof ConfigError) return Response.json({ error: config.keys }, { status: 500 })
    return Response.json({ outcome: await checkPassword(body, config.breachedPassword) })
  },
} satisfies ExportedHandler<Env>
