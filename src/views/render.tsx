/**
 * Rendering helpers shared by routes and middleware: a page with a status, and the page for a Reason.
 * Only the body and the language menu are rendered per request (hono/jsx, which escapes every value);
 * the layout around them is static text cut once per configuration and language (views/layout.tsx).
 */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { AppEnv } from '../app-env'
import { type Reason, statusFor } from '../lib/reasons'
import { LANG_PARAM, LANGUAGE_LINK_PATH_MAX, LANGUAGE_LINK_QUERY_BUDGET, RATE_LIMIT_RETRY_AFTER_SECONDS } from '../constants'
import type { Translator } from '../i18n/catalogue'
import { ENGLISH } from '../i18n/catalogues'
import { LOCALES, SOURCE_LOCALE, type Locale } from '../i18n/locales'
import { Actions, Notice } from './components'
import type { LanguageLink } from './language-menu'
import { languageMenuHtml } from './language-menu-html'
import { layoutPage } from './layout'
import { requestUrl } from '../lib/secure-request'
import { copyFor } from './reason-copy'

/** The request's language (middleware/locale.ts); English if a page is rendered before it ran. */
export function translatorOf(c: Context<AppEnv>): Translator {
  return c.get('t') ?? ENGLISH
}

/**
 * Render `body` inside the layout with `status`.
 * Not Hono's jsxRenderer: it imports all of hono/jsx (DOM renderer, hooks, streaming), about a fifth
 * of our bundle growth over a bare Worker, for a feature (per-route layouts) we don't use.
 */
export function renderPage(c: Context<AppEnv>, status: number, title: string, body: Child): Response | Promise<Response> {
  return renderPageHtml(c, status, title, String(<>{body}</>)) // our views are synchronous components, so this is a string
}

/** The same with the body's markup already made (views/template.ts: a cut filled with escaped values). */
export function renderPageHtml(c: Context<AppEnv>, status: number, title: string, bodyHtml: string): Response | Promise<Response> {
  const config = c.get('config')
  const t = translatorOf(c)
  // Only on pages a GET shows: a link to this address would not show a form's answer again ("Password
  // changed" would become the form, "Check your email" an empty one), so answers to a POST have no menu.
  const method = c.req.method
  const links = method === 'GET' || method === 'HEAD' ? languageLinks(requestUrl(c.req.raw), config?.locales ?? LOCALES) : []
  const menuHtml = links.length ? languageMenuHtml(t.m.layout.languages, t.locale, links) : ''
  return c.html(layoutPage(config, t, title, menuHtml, bodyHtml), status as Parameters<typeof c.html>[1])
}

/** Pure: this page's address (path and query, as a URL holds them) in each offered language; none for one. */
export function languageLinks(
  { pathname, search }: { readonly pathname: string; readonly search: string },
  locales: readonly Locale[],
): LanguageLink[] {
  // A 404 at a 15 KB path would otherwise repeat it once per language.
  if (locales.length < 2 || pathname.length > LANGUAGE_LINK_PATH_MAX) return []
  // The path as one leading slash: a request for `//evil.example/x` (a 404) must not yield a link that
  // a browser reads as scheme-relative.
  const path = pathname.replace(/^\/+/, '/')
  // Most pages have no query: what URLSearchParams would write is then just `lang=…`.
  if (search === '') return locales.map((locale) => ({ locale, href: `${path}?${LANG_PARAM}=${locale}` }))
  // One URLSearchParams for all links: `set` leaves `lang` where the first `set` put it, as a fresh copy would.
  const params = withinBudget(new URLSearchParams(search), search.length)
  return locales.map((locale) => {
    params.set(LANG_PARAM, locale)
    return { locale, href: `${path}?${params}` }
  })
}

/**
 * Pure: the parameters that fit LANGUAGE_LINK_QUERY_BUDGET as the links write them, in order; one that
 * does not fit is left out (a later, shorter one may still fit). Otherwise every link would repeat a
 * hostile 15 KB query, once per language. A query so short that even writing each of its characters as
 * `%XX` stays within the budget is kept whole without counting.
 */
function withinBudget(params: URLSearchParams, sentLength: number): URLSearchParams {
  if (sentLength * 3 <= LANGUAGE_LINK_QUERY_BUDGET) return params
  const kept = new URLSearchParams()
  let used = 0
  for (const [name, value] of params) {
    // `name=value&`, as URLSearchParams writes it.
    const size = new URLSearchParams([[name, value]]).toString().length + 1
    if (used + size > LANGUAGE_LINK_QUERY_BUDGET) continue
    used += size
    kept.append(name, value)
  }
  return kept
}

/**
 * Notes `reason` as how this request ended (the log line, the event) and gives the status its page or
 * form is served with; a 429 also says when to come back (Retry-After, our limits' window).
 */
export function failWith(c: Context<AppEnv>, reason: Reason): number {
  c.set('reason', reason)
  const status = statusFor(reason)
  if (status === 429) c.header('Retry-After', String(RATE_LIMIT_RETRY_AFTER_SECONDS))
  return status
}

/** The full-page explanation of a Reason, with its status (and Retry-After for 429) unless given another. */
export function renderReason(
  c: Context<AppEnv>,
  reason: Reason,
  site?: { readonly href: string },
  status: number = failWith(c, reason),
): Response | Promise<Response> {
  const t = translatorOf(c)
  const copy = copyFor(reason, t, c.get('config')?.branding.support, site)
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
