/**
 * Every redirect and every link to another page the Worker builds passes through here, so the output
 * rule of lib/next-url.ts (`isAllowedTarget`: lands on this origin or an allowed one, no token
 * parameters) holds for all of them, not only for `next`. A target that breaks the rule is a bug on
 * our side: it is logged with a fixed reason and replaced by a safe page, never followed.
 * Not here: the https upgrade (middleware/https-only.ts), which sends a request over plain http to the
 * same address over https, token hash included (the link would not work otherwise), before any config is read.
 * Nor the language menu's links (views/render.tsx `languageLinks`), which are this same page's
 * path with one leading slash and `lang` set; on the confirm page they keep its token hash on
 * purpose, as its own form does, so the page still works in the chosen language (README, Languages).
 */
import type { Context } from 'hono'
import type { AppEnv } from './app-env'
import { ERROR_PATH, MAX_NEXT_LENGTH } from './constants'
import { isAllowedTarget, resolveNext, type TargetOptions } from './lib/next-url'
import { requestUrl } from './lib/secure-request'

/** This request's redirect rule: its own origin plus the configured ones. */
export function targetOptions(c: Context<AppEnv>): TargetOptions {
  return { selfOrigin: requestUrl(c.req.raw).origin, allowedOrigins: c.get('config').redirectOrigins }
}

/** A raw `next` resolved against this deployment; a refusal is noted as the log reason. */
export function nextTarget(c: Context<AppEnv>, raw: string | undefined, fallback: string): string {
  const decision = resolveNext(raw, { ...targetOptions(c), fallback })
  if (decision.refused) c.set('reason', `next_refused_${decision.refused}`)
  return checkedTarget(c, decision.target)
}

/** `target` if it obeys the redirect rule; otherwise the error page (and a log line saying so). */
export function checkedTarget(c: Context<AppEnv>, target: string): string {
  if (isAllowedTarget(target, targetOptions(c))) return target
  console.error(JSON.stringify({ msg: 'redirect_refused', id: c.get('requestId') }))
  return `${ERROR_PATH}?reason=unexpected`
}

/** 303 See Other to a checked target. */
export function seeOther(c: Context<AppEnv>, target: string): Response {
  return c.redirect(checkedTarget(c, target), 303)
}

/** `path` with `next` carried along as a query parameter (only when it adds something). */
export function withNext(path: string, next: string | undefined): string {
  if (!next || next === path) return path
  const target = `${path}?${new URLSearchParams({ next })}`
  // Encoding can nearly triple a long `next`: past the cap on what we build, the form goes without it
  // (and ends on SITE_URL) rather than the link that did verify ending on the error page.
  return target.length > MAX_NEXT_LENGTH ? path : target
}
