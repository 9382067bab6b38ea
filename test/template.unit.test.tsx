/**
 * Page bodies cut once into static parts and filled per request (views/template.ts) must be byte for
 * byte what rendering their JSX gives, for any values (hostile, empty, holding markers) in every
 * language and variant: the invariant is stated on the output, so a view that starts to transform or
 * branch on a value fails here instead of shipping a page with the wrong text.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sourceTranslator } from '../scripts/catalogue-sources'
import { LOCALES } from '../src/i18n/locales'
import { ConfirmPage, confirmPageHtml } from '../src/views/confirm-page'
import { CheckEmailPage, checkEmailHtml, ForgotPasswordForm, forgotFormHtml } from '../src/views/forgot-password-page'
import { cutAtMarkers, fillCut } from '../src/views/template'
import { freshUpdateFormHtml, PasswordChangedPage, passwordChangedHtml, UpdatePasswordForm } from '../src/views/update-password-page'

const translators = LOCALES.map((locale) => sourceTranslator(locale))
const t = fc.constantFrom(...translators)
/** Strings built from the characters that matter: escaping, markers, digits, bidi, spaces. */
const value = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'a1<>&"\'\u0001 ·é\u202e0'.split('')), maxLength: 24 }),
  fc.string(),
  fc.constantFrom('', '\u00010\u0001', '\u00011\u0001', '<script>alert(1)</script>', '"><img src=x onerror=1>', 'a@example.com'),
)

describe('page bodies from cuts', () => {
  it('the forgot-password form equals its component, for every notice', () => {
    fc.assert(
      fc.property(t, value, fc.constantFrom(undefined, 'session_missing' as const, 'recovery_expired' as const, 'recovery_required' as const), (t, token, notice) => {
        const want = String(<ForgotPasswordForm t={t} csrfToken={token} notice={notice} />)
        expect(forgotFormHtml(t, token, notice)).toBe(want)
        expect(forgotFormHtml(t, token, notice)).toBe(want) // the second time from the memo
      }),
      { numRuns: 400 },
    )
  })

  it('the check-your-email page equals its component', () => {
    fc.assert(
      fc.property(t, value, (t, masked) => {
        expect(checkEmailHtml(t, masked)).toBe(String(<CheckEmailPage t={t} maskedEmail={masked} />))
      }),
      { numRuns: 300 },
    )
  })

  it('the confirm interstitial equals its component, for every link type, with and without next', () => {
    const type = fc.constantFrom('recovery' as const, 'invite' as const, 'signup' as const, 'email' as const, 'email_change' as const, 'magiclink' as const)
    fc.assert(
      fc.property(t, type, value, value, fc.option(value, { nil: undefined }), (t, type, csrfToken, tokenHash, next) => {
        const want = String(<ConfirmPage t={t} type={type} tokenHash={tokenHash} next={next} csrfToken={csrfToken} />)
        expect(confirmPageHtml({ t, type, tokenHash, next, csrfToken })).toBe(want)
      }),
      { numRuns: 400 },
    )
  })

  it('the new-password form without errors equals its component, with and without next and a switched account', () => {
    fc.assert(
      fc.property(
        t,
        value,
        value,
        value,
        fc.option(value, { nil: undefined }),
        fc.option(value, { nil: undefined }),
        fc.integer({ min: 6, max: 72 }),
        (t, csrfToken, email, userId, next, switchedFrom, minLength) => {
          const props = { t, csrfToken, email, userId, next, switchedFrom, minLength }
          expect(freshUpdateFormHtml(props)).toBe(String(<UpdatePasswordForm {...props} />))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('the password-changed page equals its component', () => {
    fc.assert(
      fc.property(t, value, value, (t, email, continueTo) => {
        expect(passwordChangedHtml(t, email, continueTo)).toBe(String(<PasswordChangedPage t={t} email={email} continueTo={continueTo} />))
      }),
      { numRuns: 300 },
    )
  })
})

describe('cutAtMarkers', () => {
  it('fills each value wherever the markup put it, escaped', () => {
    const cut = cutAtMarkers(2, ([a, b]) => String(<p title={a}>{b}{a}</p>))
    expect(cut).not.toBeNull()
    expect(fillCut(cut!, ['"x"', '<b>'])).toBe('<p title="&quot;x&quot;">&lt;b&gt;&quot;x&quot;</p>')
  })

  it('refuses a cut when the markup dropped a value or holds a marker of its own', () => {
    expect(cutAtMarkers(2, ([a]) => `<p>${a}</p>`)).toBeNull()
    expect(cutAtMarkers(1, ([a]) => `<p>${a}\u0001</p>`)).toBeNull()
    expect(cutAtMarkers(1, ([a]) => `<p>${a}\u00017\u0001</p>`)).toBeNull()
    // Static text that looks like the marker of a value in use is not taken for it.
    expect(cutAtMarkers(1, ([a]) => `<p title="\u00010\u0001">${a}</p>`)).toBeNull()
  })
})
