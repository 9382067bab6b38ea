/**
 * The scanner-proof interstitial: opening the link shows this page and spends nothing; only the
 * button (a same-origin POST with a CSRF token) spends the one-time token.
 */
import type { EmailOtpType } from '../config'
import type { Translator } from '../i18n/catalogue'
import { Actions, CsrfField, Notice } from './components'
import { cutMemo, htmlThroughCut } from './template'

const cuts = cutMemo()

export interface ConfirmPageProps {
  readonly t: Translator
  readonly type: EmailOtpType
  readonly tokenHash: string
  readonly next: string | undefined
  readonly csrfToken: string
  /** Why the last press did not go through (a limit, trouble upstream), shown above the button. */
  readonly notice?: string | undefined
}

export function confirmTitle(type: EmailOtpType, t: Translator): string {
  return t.m.confirm[type].title
}

export function ConfirmPage({ t, type, tokenHash, next, csrfToken, notice }: ConfirmPageProps) {
  const wording = t.m.confirm[type]
  return (
    <>
      <h1>{wording.title}</h1>
      {notice !== undefined ? <Notice kind="error">{notice}</Notice> : null}
      <p>{t.m.confirm.intro}</p>
      <form method="post" action="/auth/confirm">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="token_hash" value={tokenHash} />
        <input type="hidden" name="type" value={type} />
        {next !== undefined ? <input type="hidden" name="next" value={next} /> : null}
        <button type="submit">{wording.button}</button>
      </form>
      <p class="muted">{t.m.confirm.why}</p>
    </>
  )
}

/** The interstitial's markup: cut once per language, link type and whether it carries `next`, then filled. */
export function confirmPageHtml({ t, type, tokenHash, next, csrfToken }: ConfirmPageProps): string {
  const values = next === undefined ? [csrfToken, tokenHash] : [csrfToken, tokenHash, next]
  return htmlThroughCut(cuts, t, `${type}:${next !== undefined}`, values, ([csrf, hash, nextValue]) => (
    <ConfirmPage t={t} type={type} tokenHash={hash!} next={nextValue} csrfToken={csrf!} />
  ))
}

/**
 * A secure email change's first link, accepted: Supabase wants the link sent to the other address too
 * before it changes anything, and signs no one in yet (so there is no session to continue with).
 */
export function EmailChangeHalfPage({ t, continueTo }: { readonly t: Translator; readonly continueTo: string }) {
  return (
    <>
      <h1>{t.m.confirm.emailChangeHalf.title}</h1>
      <Notice kind="info">{t.m.confirm.emailChangeHalf.message}</Notice>
      <Actions actions={[{ href: continueTo, label: t.m.changed.continue }]} />
    </>
  )
}
