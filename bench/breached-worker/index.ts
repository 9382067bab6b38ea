/**
 * Benchmark-only Worker for bench/breached.ts: `POST /check` runs the breached-password check
 * (src/breached-password.ts, the very code the new-password route calls) on the body and answers its
 * outcome; any other POST reads the body and answers `{}` (the same request without the check), so
 * the difference between the two is what the check adds. Never deployed.
 */
import { checkPassword } from '../../src/breached-password'
import { ConfigError, loadConfig } from '../../src/config'

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    if (request.method !== 'POST') return new Response('ok')
    const body = await request.text()
    if (new URL(request.url).pathname !== '/check') return Response.json({})
    const config = loadConfig(env)
    if (config instanceof ConfigError) return Response.json({ error: config.keys }, { status: 500 })
    return Response.json(await checkPassword(body, config.breachedPassword, (work) => ctx.waitUntil(work)))
  },
} satisfies ExportedHandler<Env>
