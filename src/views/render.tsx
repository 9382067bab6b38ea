/**
 * Rendering helpers shared by routes and middleware: a page with a status, and the page for a Reason.
 * Only the body is rendered per request (hono/jsx, which escapes every value); the layout around it is
 * static text cut once from the Layout component (views/layout.tsx).
 */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { AppEnv } from '../app-env'
import { type Reason, statusFor } from '../lib/reasons'
import { RATE_LIMIT_RETRY_AFTER_SECONDS } from '../constants'
import { Actions, Notice } from './components'
import { layoutPage } from './layout'
import { copyFor } from './reason-copy'

/**
 * Render `body` inside the layout with `status`.
 * Not Hono's jsxRenderer: it imports all of hono/jsx (DOM renderer, hooks, streaming), about a fifth
 * of our bundle growth over a bare Worker, for a feature (per-route layouts) we don't use; and it would
 * render the whole layout on every request.
 */
export function renderPage(c: Context<AppEnv>, status: number, title: string, body: Child): Response | Promise<Response> {
  const bodyHtml = String(<>{body}</>) // our views are synchronous components, so this is a string
  return c.html(layoutPage(c.get('config'), title, bodyHtml), status as Parameters<typeof c.html>[1])
}

/** The full-page explanation of a Reason, with its status (and Retry-After for 429). */
export function renderReason(c: Context<AppEnv>, reason: Reason): Response | Promise<Response> {
  c.set('reason', reason)
  const copy = copyFor(reason)
  const status = statusFor(reason)
  if (status === 429) c.header('Retry-After', String(RATE_LIMIT_RETRY_AFTER_SECONDS))
  return renderPage(
    c,
    status,
    copy.title,
    <>
      <h1>{copy.title}</h1>
      <Notice kind="error">{copy.message}</Notice>
      <Actions actions={copy.actions} />
    </>,
  )
}
