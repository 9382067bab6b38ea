/**
 * What we tell a person for each Reason: a title, what happened in plain words, and what to do.
 * The one exhaustive mapping from reason codes to public text (STYLE rule 29), in the page's language
 * (the words live in src/i18n/messages); Supabase's own wording never reaches a page.
 */
import { FORGOT_PASSWORD_PATH, RATE_LIMIT_RETRY_AFTER_SECONDS, VERIFY_CODE_PATH } from '../constants'
import type { Plural, Translator } from '../i18n/catalogue'
import { ENGLISH } from '../i18n/catalogues'
import type { Reason } from '../lib/reasons'
import type { LinkAction } from './components'

export interface ReasonCopy {
  readonly title: string
  readonly message: string
  readonly actions: readonly LinkAction[]
}

type ActionName = keyof Translator['m']['actions']

/** Which ways forward each reason offers; labels come from the catalogue. */
const ACTIONS: Readonly<Record<Reason, readonly ActionName[]>> = {
  link_expired: ['newLink', 'newerCode'],
  link_invalid: ['newLink', 'enterCode'],
  other_device: ['newLink', 'newerCode'],
  rate_limited: ['startAgain'],
  upstream_timeout: ['startAgain'],
  upstream_unavailable: ['startAgain'],
  account_unavailable: ['startAgain'],
  weak_password: [],
  same_password: [],
  breached_password: [],
  session_missing: ['newLink'],
  reauthentication_needed: ['newLink'],
  mfa_required: ['startAgain'],
  code_invalid: ['newLink'],
  unexpected: ['startAgain'],
}

const HREF: Readonly<Record<ActionName, string>> = {
  newLink: FORGOT_PASSWORD_PATH,
  enterCode: VERIFY_CODE_PATH,
  newerCode: VERIFY_CODE_PATH,
  startAgain: FORGOT_PASSWORD_PATH,
}

/** Reasons only the site's people can undo: their support link (BRANDING.support) comes first. */
const SUPPORT_FIRST: ReadonlySet<Reason> = new Set<Reason>(['account_unavailable'])

/** Reasons of a link that could not be used, whose ways forward are a new reset link or a code. */
const RESET_WAYS: ReadonlySet<Reason> = new Set<Reason>(['link_expired', 'link_invalid'])

/**
 * The copy for `reason` in `t`'s language (English when none is given). `support` is the site's
 * support link, when it has one: offered first where only a person can help. `site`, for a link that
 * was no password reset (a sign-up, a magic link, an email change): its way forward is the site, where
 * the person signs in or asks again, not a reset link or a reset code.
 */
export function copyFor(
  reason: Reason,
  t: Translator = ENGLISH,
  support?: { readonly href: string },
  site?: { readonly href: string },
): ReasonCopy {
  // Typed against Reason: a new reason without words in the catalogues fails the typecheck here.
  const words: Readonly<Record<Reason, { readonly title: string; readonly message: string | Plural }>> = t.m.reasons
  const { title, message } = words[reason]
  return {
    title,
    // Only the rate-limit message has a number in it: the minutes until Retry-After has passed.
    message: typeof message === 'string' ? message : t.count(message, Math.ceil(RATE_LIMIT_RETRY_AFTER_SECONDS / 60)),
    actions: [
      ...(support && SUPPORT_FIRST.has(reason) ? [{ href: support.href, label: t.m.layout.support }] : []),
      ...(site && RESET_WAYS.has(reason)
        ? [{ href: site.href, label: t.m.landing.back }]
        : ACTIONS[reason].map((name) => ({ href: HREF[name], label: t.m.actions[name] }))),
    ],
  }
}

/** A reason's title and message as one notice inside a form ("Title. Message." in the page's language). */
export function titledMessage(reason: Reason, t: Translator = ENGLISH): string {
  const copy = copyFor(reason, t)
  return t.m.titled.replace('{title}', copy.title).replace('{message}', copy.message)
}
