/**
 * The small pages around the flow: landing, the error page links land on, health, the site's assets,
 * and `/.well-known/change-password` (W3C) so password managers can deep-link to a reset.
 */
import { Hono } from 'hono/tiny'
import type { AppEnv } from '../app-env'
import { FORGOT_PASSWORD_PATH, VERIFY_CODE_PATH } from '../constants'
import { explanationStatus, isReason, LINK_REASONS } from '../lib/reasons'
import { checkedTarget } from '../redirects'
import { Actions } from '../views/components'
import { renderPage, renderReason, translatorOf } from '../views/render'
import { ASSETS_PATH } from '../branding'

export const pageRoutes = new Hono<AppEnv>()

pageRoutes.get('/', (c) => {
  const { m } = translatorOf(c)
  return renderPage(
    c,
    200,
    m.landing.title,
    <>
      <h1>{m.landing.title}</h1>
      <p>{m.landing.intro}</p>
      <Actions
        actions={[
          { href: FORGOT_PASSWORD_PATH, label: m.landing.reset },
          { href: VERIFY_CODE_PATH, label: m.landing.haveCode },
          { href: c.get('config').siteUrl, label: m.landing.back },
        ]}
      />
    </>,
  )
})

pageRoutes.get('/auth/auth-code-error', (c) => {
  const reason = c.req.query('reason')
  // Form-only reasons (weak_password, …) have no page of their own: read them as an incomplete link.
  // A sign-up, magic-link or email-change link (`for=site`): the way forward is the site, not a reset.
  const site = c.req.query('for') === 'site' ? { href: checkedTarget(c, c.get('config').siteUrl) } : undefined
  const shown = isReason(reason) && LINK_REASONS.has(reason) ? reason : 'link_invalid'
  // This page shows an outcome the redirect to it already counted (log line and event): not a second one,
  // nor a second failure status (explanationStatus).
  return renderReason(c, shown, site, explanationStatus(shown))
})

pageRoutes.get('/healthz', (c) => c.json({ status: 'ok' }))

// The site's stylesheet and inline logo, under content-hashed names: cacheable for a year.
pageRoutes.get(`${ASSETS_PATH}/:file`, (c) => {
  const asset = c.get('config').branding.assets.get(c.req.path)
  if (!asset) return c.notFound()
  c.header('Content-Type', asset.type)
  c.header('Cache-Control', 'public, max-age=31536000, immutable')
  c.header('X-Content-Type-Options', 'nosniff')
  return typeof asset.body === 'string' ? c.body(asset.body) : c.body(asset.body as Uint8Array<ArrayBuffer>)
})

pageRoutes.get('/.well-known/change-password', (c) => c.redirect(FORGOT_PASSWORD_PATH, 302))
