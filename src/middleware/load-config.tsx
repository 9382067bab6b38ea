/**
 * Puts the parsed Config on `c.get('config')`. A misconfigured deployment answers every request with
 * a 500 page and one log line that name the bad keys, never their values.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { ConfigError, loadConfig } from '../config'
import { renderPage } from '../views/render'

export function loadConfigMiddleware(): MiddlewareHandler<AppEnv> {
  return async function loadConfig_(c, next) {
    const config = loadConfig(c.env)
    if (config instanceof ConfigError) {
      c.set('reason', 'config_invalid')
      console.error(JSON.stringify({ msg: 'config_invalid', keys: config.keys }))
      if (c.req.path === '/healthz') return c.json({ status: 'error', config: 'invalid', keys: config.keys }, 500)
      return renderPage(
        c,
        500,
        'Service not configured',
        <>
          <h1>This service is not configured correctly</h1>
          <p>Nothing was changed. The operator needs to fix these settings:</p>
          <ul>
            {config.keys.map((key) => (
              <li>
                <code>{key}</code>
              </li>
            ))}
          </ul>
        </>,
      )
    }
    c.set('config', config)
    await next()
  }
}
