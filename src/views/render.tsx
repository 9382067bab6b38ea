/**
 * Rendering helpers shared by routes and middleware: a page with a status, and the page for a Reason.
 */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { AppEnv } from '../app-env'
import { type Reason, statusFor } from '../lib/reasons'
import { LANG_PARAM, RATE_LIMIT_RETRY_AFTER_SECONDS } from '../constants'
import type { Translator } from '../i18n/catalogue'
import { translatorFor } from '../i18n/catalogues'
import { LOCALES, SOURCE_LOCALE, type Locale } from '../i18n/locales'
import { Actions, Notice } from './components'
import type { LanguageLink } from './language-menu'
import { Layout } from './layout'
import { copyFor } from './reason-copy'

/** The request's language (middleware/locale.ts); English if a page is rendered before it ran. */
export function translatorOf(c: Context<AppEnv>): Translator {
  return c.get('t') ?? translatorFor(SOURCE_LOCALE)
}

/**
 * Render `body` inside the layout with `status`.
 * Not Hono's jsxRenderer: it imports all of hono/jsx (DOM renderer, hooks, streaming), about a fifth
 * of our bundle growth over a bare Worker, for a feature (per-route layouts) we don't use.
 */
export function renderPage(c: Context<AppEnv>, status: number, title: string, body: Child): Response | Promise<Response> {
  const config = c.get('config')
  const t = translatorOf(c)
  const page = (
    <Layout
      title={title}
      appName={config?.appName ?? t.m.layout.appName}
      branding={config?.branding}
      t={t}
      languages={languageLinks(c.req.url, config?.locales ?? LOCALES)}
    >
      {body}
    </Layout>
  )
  return c.html(`<!DOCTYPE html>${page.toString()}`, status as Parameters<typeof c.html>[1])
}

/** Pure: this page's address in each offered language (nothing when there is only one). */
export function languageLinks(requestUrl: string, locales: readonly Locale[]): LanguageLink[] {
  if (locales.length < 2) return []
  const url = new URL(requestUrl)
  return locales.map((locale) => {
    const params = new URLSearchParams(url.search)
    params.set(LANG_PARAM, locale)
    return { locale, href: `${url.pathname}?${params}` }
  })
}

/** The full-page explanation of a Reason, with its status (and Retry-After for 429). */
export function renderReason(c: Context<AppEnv>, reason: Reason): Response | Promise<Response> {
  c.set('reason', reason)
  const t = translatorOf(c)
  const copy = copyFor(reason, t)
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
