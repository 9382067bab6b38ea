/**
 * Picks the language of the response (src/i18n/negotiate.ts) and puts its Translator on `c.get('t')`
 * (reading the catalogue from the ASSETS binding the first time this isolate needs it; English if it cannot).
 * Runs before load-config so that every page, the unknown-site and misconfiguration pages included,
 * speaks the person's language; a site's LOCALES/DEFAULT_LOCALE narrow the choice. A GET with
 * `?lang=xx` (the language menu's links) is the explicit choice: served at once and remembered in the
 * `lang` cookie (not HttpOnly: it is a preference, not a credential). Every response varies on
 * Accept-Language (appended to the Vary that security-headers sets).
 */
import type { MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { AppEnv } from '../app-env'
import { ConfigError } from '../config'
import { LANG_COOKIE, LANG_COOKIE_MAX_AGE_SECONDS, LANG_PARAM } from '../constants'
import { readyTranslator, translatorFor } from '../i18n/catalogues'
import { LOCALES, SOURCE_LOCALE } from '../i18n/locales'
import { negotiateLocale, type LocaleOptions } from '../i18n/negotiate'
import { isSecureRequest, requestUrl } from '../lib/secure-request'
import { loadSiteConfig } from '../sites'

/** For hostnames without a readable site: every language, English by default. */
const EVERY_LOCALE: LocaleOptions = { allowed: LOCALES, fallback: SOURCE_LOCALE }

export function localeNegotiation(): MiddlewareHandler<AppEnv> {
  return async function localeNegotiation_(c, next) {
    const options = siteOptions(c.env, requestUrl(c.req.raw).hostname)
    const isRead = c.req.method === 'GET' || c.req.method === 'HEAD'
    const asked = isRead ? c.req.query(LANG_PARAM) : undefined
    const remembered = getCookie(c, LANG_COOKIE)
    // The query's choice, else the saved one: a `?lang=` the site does not offer leaves the saved choice standing.
    const choice = [asked, remembered].find((value) => options.allowed.some((locale) => locale === value))
    const locale = negotiateLocale(c.req.header('Accept-Language'), choice, options)
    if (asked !== undefined && locale === asked && remembered !== asked) {
      setCookie(c, LANG_COOKIE, locale, { path: '/', sameSite: 'Lax', secure: isSecureRequest(c), maxAge: LANG_COOKIE_MAX_AGE_SECONDS })
    }
    c.set('t', readyTranslator(locale) ?? (await translatorFor(locale, c.env.ASSETS)))
    await next()
    appendVary(c.res.headers, 'Accept-Language')
  }
}

function siteOptions(env: object, hostname: string): LocaleOptions {
  try {
    const site = loadSiteConfig(env, hostname)
    return site === undefined || site instanceof ConfigError ? EVERY_LOCALE : { allowed: site.locales, fallback: site.defaultLocale }
  } catch {
    return EVERY_LOCALE // unreadable bindings: load-config renders the error page, in the person's language
  }
}

function appendVary(headers: Headers, value: string): void {
  const current = headers.get('Vary')
  if (!current) headers.set('Vary', value)
  else if (!current.split(',').some((v) => v.trim().toLowerCase() === value.toLowerCase())) headers.set('Vary', `${current}, ${value}`)
}
