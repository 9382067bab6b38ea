/**
 * Rendering helpers shared by routes and middleware: a page with a status, and the page for a Reason.
 */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { AppEnv } from '../app-env'
import { type Reason, statusFor } from '../lib/reasons'
import { RATE_LIMIT_RETRY_AFTER_SECONDS } from '../constants'
import { Actions, Notice } from './components'
import { Layout } from './layout'
import { copyFor } from './reason-copy'

/**
 * Render `body` inside the layout with `status`.
 * Not Hono's jsxRenderer: it imports all of hono/jsx (DOM renderer, hooks, streaming), about a fifth
 * of our bundle growth over a bare Worker, for a feature (per-route layouts) we don't use.
 */
export function renderPage(c: Context<AppEnv>, status: number, title: string, body: Child): Response | Promise<Response> {
  const config = c.get('config')
  const page = (
    <Layout title={title} appName={config?.appName ?? 'Account'} branding={config?.branding}>
      {body}
    </Layout>
  )
  return c.html(`<!DOCTYPE html>${page.toString()}`, status as Parameters<typeof c.html>[1])
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
