/**
 * Puts the parsed Config of the site this request is for (by hostname) on `c.get('config')`.
 * A hostname no site is configured for gets a plain 404 page, never another site's configuration (the
 * log line names any SITES key that is no hostname, in case that site was meant).
 * A misconfigured site answers every request with a 500 page and one log line that name the bad
 * keys, never their values.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { ConfigError } from '../config'
import { requestUrl } from '../lib/secure-request'
import { invalidSiteKeys, loadSiteConfig } from '../sites'
import { renderPage, translatorOf } from '../views/render'

export function loadConfigMiddleware(): MiddlewareHandler<AppEnv> {
  return async function loadConfig_(c, next) {
    const config = loadSiteConfig(c.env, requestUrl(c.req.raw).hostname)
    const { m } = translatorOf(c)
    if (config === undefined) {
      c.set('reason', 'unknown_site')
      // Perhaps the site meant for this hostname is one whose SITES key is no hostname: say which, here only.
      const invalid = invalidSiteKeys(c.env)
      if (invalid.length) console.error(JSON.stringify({ msg: 'config_invalid', keys: invalid }))
      return renderPage(
        c,
        404,
        m.errors.unknownSiteTitle,
        <>
          <h1>{m.errors.unknownSiteTitle}</h1>
          <p>{m.errors.unknownSite}</p>
        </>,
      )
    }
    if (config instanceof ConfigError) {
      c.set('reason', 'config_invalid')
      console.error(JSON.stringify({ msg: 'config_invalid', keys: config.keys }))
      if (c.req.path === '/healthz') return c.json({ status: 'error', config: 'invalid', keys: config.keys }, 500)
      return renderPage(
        c,
        500,
        m.errors.configPageTitle,
        <>
          <h1>{m.errors.configTitle}</h1>
          <p>{m.errors.config}</p>
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
