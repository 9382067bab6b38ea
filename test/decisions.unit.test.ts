/**
 * The pure decisions beside next-url: reading a confirm request, classifying Supabase errors,
 * recovery-session freshness, masking, and the new-password form rules.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defaultNextFor, parseConfirmRequest, SINGLE_CONFIRMATION_ACCEPTED } from '../src/lib/confirm-request'
import { describeWeakPassword, requiredCharacterChoice, validatePasswordForm } from '../src/lib/password-form'
import { classifyAuthError, outageReason, REASONS, statusFor } from '../src/lib/reasons'
import { isFreshRecoverySession, maskEmail, staleRecoveryKind } from '../src/lib/recovery-session'

const HASH = 'pkce_' + 'ab'.repeat(28)

describe('parseConfirmRequest', () => {
  it.each([
    [{ token_hash: HASH, type: 'recovery', next: '/x' }, { kind: 'token', tokenHash: HASH, type: 'recovery', next: '/x' }],
    [{ token_hash: HASH, type: 'email_change' }, { kind: 'token', tokenHash: HASH, type: 'email_change', next: undefined }],
    [{ code: '0b6f9a3c-1f0e-4a57-9d0a-3f1c2b7e8d90' }, { kind: 'code', code: '0b6f9a3c-1f0e-4a57-9d0a-3f1c2b7e8d90', next: undefined }],
    [{ token_hash: HASH, type: 'phone_change' }, { kind: 'failed', reason: 'link_invalid' }],
    [{ token_hash: 'short', type: 'recovery' }, { kind: 'failed', reason: 'link_invalid' }],
    [{ code: 'a b' }, { kind: 'failed', reason: 'link_invalid' }],
    [{ error_code: 'otp_expired', token_hash: HASH, type: 'recovery' }, { kind: 'failed', reason: 'link_expired' }],
    [{ error: 'server_error' }, { kind: 'failed', reason: 'link_invalid' }],
    // An error code we do not know is an incomplete link (400), never "unexpected" (a 500).
    [{ error_code: 'made_up_code', error: 'x' }, { kind: 'failed', reason: 'link_invalid' }],
    // Supabase's failure redirect wins over a token left in the same URL: nothing is sent to verify.
    [{ error: 'access_denied', token_hash: HASH, type: 'recovery' }, { kind: 'failed', reason: 'link_invalid' }],
    // Shapes are bounded, so hostile values never reach Supabase.
    [{ token_hash: 'a'.repeat(200), type: 'recovery' }, { kind: 'token', tokenHash: 'a'.repeat(200), type: 'recovery', next: undefined }],
    [{ token_hash: 'a'.repeat(201), type: 'recovery' }, { kind: 'failed', reason: 'link_invalid' }],
    [{ code: 'abcd-12' }, { kind: 'failed', reason: 'link_invalid' }],
    [{ code: 'c'.repeat(129) }, { kind: 'failed', reason: 'link_invalid' }],
    // A percent sign (a value decoded once too often, or an encoding trick) is no token hash.
    [{ token_hash: `${'a'.repeat(28)}%${'b'.repeat(27)}`, type: 'recovery' }, { kind: 'failed', reason: 'link_invalid' }],
    [{ token_hash: `pkce_${'a'.repeat(28)}%2F${'b'.repeat(25)}`, type: 'recovery' }, { kind: 'failed', reason: 'link_invalid' }],
    [{}, { kind: 'failed', reason: 'link_invalid' }],
    // The first of a secure email change's two {{ .ConfirmationURL }} links: Supabase's exact message, nothing else.
    [{ message: SINGLE_CONFIRMATION_ACCEPTED, next: '/s' }, { kind: 'emailChangeHalf', next: '/s' }],
    [{ message: `${SINGLE_CONFIRMATION_ACCEPTED}.` }, { kind: 'failed', reason: 'link_invalid' }],
    [{ message: SINGLE_CONFIRMATION_ACCEPTED, code: 'c'.repeat(129) }, { kind: 'failed', reason: 'link_invalid' }],
    [{ message: SINGLE_CONFIRMATION_ACCEPTED, error_code: 'otp_expired' }, { kind: 'failed', reason: 'link_expired' }],
    [{ message: SINGLE_CONFIRMATION_ACCEPTED, token_hash: HASH, type: 'email_change' }, { kind: 'token', tokenHash: HASH, type: 'email_change', next: undefined }],
  ])('%j → %j', (params, want) => {
    expect(parseConfirmRequest(params)).toEqual(want)
  })

  it('sends recovery and invitations to the new-password form, everything else to the site', () => {
    expect(defaultNextFor('recovery', 'https://www.example.com/')).toBe('/account/update-password')
    expect(defaultNextFor('invite', 'https://www.example.com/')).toBe('/account/update-password')
    expect(defaultNextFor('code-recovery', 'https://www.example.com/')).toBe('/account/update-password')
    expect(defaultNextFor('magiclink', 'https://www.example.com/')).toBe('https://www.example.com/')
    expect(defaultNextFor('signup', 'https://www.example.com/')).toBe('https://www.example.com/')
  })
})

describe('classifyAuthError', () => {
  const ok = { timedOut: false }
  it.each([
    [{ code: 'otp_expired', status: 403 }, 'link_expired'],
    [{ code: 'flow_state_expired', status: 422 }, 'link_expired'],
    [{ code: 'bad_code_verifier', status: 400 }, 'other_device'],
    [{ name: 'AuthPKCECodeVerifierMissingError', code: 'pkce_code_verifier_not_found', status: 400 }, 'other_device'],
    [{ code: 'over_email_send_rate_limit', status: 429 }, 'rate_limited'],
    [{ status: 429 }, 'rate_limited'],
    [{ code: 'weak_password', status: 422 }, 'weak_password'],
    [{ code: 'same_password', status: 422 }, 'same_password'],
    [{ code: 'session_not_found', status: 403 }, 'session_missing'],
    [{ name: 'AuthSessionMissingError', status: 400 }, 'session_missing'],
    [{ code: 'reauthentication_needed', status: 400 }, 'reauthentication_needed'],
    [{ code: 'insufficient_aal', status: 401 }, 'mfa_required'],
    [{ code: 'user_banned', status: 403 }, 'account_unavailable'],
    // The account was deleted while its session lived on (GoTrue: "User from sub claim in JWT does not exist").
    [{ code: 'user_not_found', status: 403 }, 'account_unavailable'],
    [{ name: 'AuthRetryableFetchError', status: 0 }, 'upstream_unavailable'],
    [{ name: 'AuthRetryableFetchError', status: 503 }, 'upstream_unavailable'],
    [{ name: 'AuthUnknownError', status: 200 }, 'upstream_unavailable'],
    [{ code: 'something_new', status: 400 }, 'unexpected'],
  ])('%j → %s', (error, want) => {
    expect(classifyAuthError(error, ok)).toBe(want)
  })

  it('calls any failure after our timeout fired a timeout', () => {
    expect(classifyAuthError({ name: 'AuthRetryableFetchError', status: 0 }, { timedOut: true })).toBe('upstream_timeout')
  })

  it('never says "nothing was changed" when Supabase may have acted: a gateway timeout, or any network error after a success status', () => {
    const networkError = fc.record({ name: fc.constantFrom('AuthRetryableFetchError', 'TypeError'), status: fc.constantFrom(0, undefined) })
    fc.assert(
      fc.property(networkError, fc.integer({ min: 200, max: 299 }), (error, lastStatus) => {
        expect(classifyAuthError(error, { timedOut: false, lastStatus })).toBe('upstream_timeout')
        expect(outageReason({ timedOut: false, lastStatus })).toBe('upstream_timeout')
      }),
    )
    for (const status of [504, 524]) {
      expect(classifyAuthError({ name: 'AuthRetryableFetchError', status }, ok)).toBe('upstream_timeout')
      expect(outageReason({ timedOut: false, lastStatus: status })).toBe('upstream_timeout')
    }
    // An error that came with its own status, or no answer at all, is judged as before; outageReason
    // (no error to read) takes any other status for a failure.
    fc.assert(
      fc.property(fc.oneof(fc.constant(undefined), fc.integer({ min: 300, max: 599 }).filter((s) => s !== 504 && s !== 524)), (lastStatus) => {
        expect(outageReason({ timedOut: false, lastStatus })).toBe('upstream_unavailable')
      }),
    )
    fc.assert(
      fc.property(networkError, fc.oneof(fc.constant(undefined), fc.integer({ min: 300, max: 599 }).filter((s) => s !== 504 && s !== 524)), (error, lastStatus) => {
        expect(classifyAuthError(error, { timedOut: false, lastStatus })).toBe('upstream_unavailable')
      }),
    )
    expect(classifyAuthError({ code: 'same_password', status: 422 }, { timedOut: false, lastStatus: 200 })).toBe('same_password')
  })

  it('gives every reason a status', () => {
    for (const reason of REASONS) expect(statusFor(reason)).toBeGreaterThanOrEqual(400)
  })
})

describe('isFreshRecoverySession', () => {
  const now = 1_800_000_000
  it.each([
    ['otp 1 minute ago', [{ method: 'otp', timestamp: now - 60 }], true],
    ['recovery (PKCE) just now', [{ method: 'recovery', timestamp: now }], true],
    ['invite', [{ method: 'invite', timestamp: now - 10 }], true],
    ['otp 20 minutes ago', [{ method: 'otp', timestamp: now - 1200 }], false],
    ['password sign-in', [{ method: 'password', timestamp: now }], false],
    ['password now, otp long ago', [{ method: 'password', timestamp: now }, { method: 'otp', timestamp: now - 5000 }], false],
    ['a timestamp far in the future', [{ method: 'otp', timestamp: now + 3600 }], false],
    ['amr as strings (old format)', ['otp'], false],
    ['no amr', undefined, false],
  ])('%s → %s', (_name, amr, want) => {
    expect(isFreshRecoverySession({ amr }, now, 900)).toBe(want)
  })

  it('is fresh exactly from maxAge seconds ago to 60 s ahead (clock skew), for any now and maxAge (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }), fc.integer({ min: 1, max: 86_400 }), fc.integer({ min: -200_000, max: 200_000 }), (nowS, maxAge, offset) => {
        const amr = [{ method: 'otp', timestamp: nowS + offset }]
        expect(isFreshRecoverySession({ amr }, nowS, maxAge)).toBe(offset >= -maxAge && offset <= 60)
      }),
      { examples: [[now, 900, 60], [now, 900, 61], [now, 900, -900], [now, 900, -901]] },
    )
  })
})

describe('staleRecoveryKind (what the page says when the session may not set a password)', () => {
  const now = 1_800_000_000
  it.each([
    ['otp 20 minutes ago: the window ended', [{ method: 'otp', timestamp: now - 1200 }], 'ended'],
    ['password now, otp long ago: it did come from a link', [{ method: 'password', timestamp: now }, { method: 'otp', timestamp: now - 5000 }], 'ended'],
    ['password sign-in: never from a link', [{ method: 'password', timestamp: now }], 'not_recovery'],
    ['amr as strings (old format)', ['otp'], 'not_recovery'],
    ['no amr', undefined, 'not_recovery'],
  ])('%s → %s', (_name, amr, want) => {
    expect(staleRecoveryKind({ amr })).toBe(want)
  })
})

describe('maskEmail', () => {
  it.each([
    ['jane.doe@example.com', 'j***e@example.com'],
    ['jo@example.com', 'j***@example.com'],
    ['x@example.com', 'x***@example.com'],
    ['no-at-sign', '***'],
  ])('%s → %s', (email, want) => {
    expect(maskEmail(email)).toBe(want)
  })
})

describe('validatePasswordForm', () => {
  it('accepts a long enough matching pair', () => {
    expect(validatePasswordForm({ password: 'long enough', password_confirm: 'long enough' }, 8)).toEqual({ ok: true, password: 'long enough' })
  })
  it.each([
    [{ password: 'short', password_confirm: 'short' }, { password: 'Use at least 8 characters.' }],
    [{ password: 'long enough', password_confirm: 'different!!' }, { password: 'The passwords did not match. Enter your new password in both fields.' }],
    // Typed only into the second field (the reviewer's keyboard case): the first field says what it needs.
    [{ password: '', password_confirm: 'long enough' }, { password: 'Use at least 8 characters.' }],
    [{ password: '€'.repeat(25), password_confirm: '€'.repeat(25) }, { password: 'Use a shorter password: at most 72 bytes (accented letters, emoji and non-Latin scripts take 2 to 4 bytes each).' }],
    [{}, { password: 'Use at least 8 characters.' }],
  ])('%j → %j', (form, errors) => {
    const result = validatePasswordForm(form, 8)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors).toEqual(errors) // and no message on any other field
  })
  // GoTrue's message for each dashboard choice of required characters (password.go:46-51, the sets joined by
  // ', '), with the sentences it may join before and after it (length, pwned; password.go:41-44, 64-67, 70-72).
  const charactersSentence = (sets: string[]) => `Password should contain at least one character of each: ${sets.join(', ')}.`
  const LENGTH = 'Password should be at least 10 characters.'
  const PWNED = 'Password is known to be weak and easy to guess, please choose a different one.'
  const lower = 'abcdefghijklmnopqrstuvwxyz'
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  const digits = '0123456789'
  const symbols = '!@#$%^&*()_+-=[]{};\'\\:"|<>?,./`~'
  const ALL_FOUR = 'it needs lower- and upper-case letters (a–z, A–Z), digits (0–9) and symbols'
  it.each([
    [[lower + upper, digits], 'Choose another password: it needs letters (a–z or A–Z) and digits (0–9).'],
    [[lower, upper, digits], 'Choose another password: it needs lower- and upper-case letters (a–z, A–Z) and digits (0–9).'],
    [[lower, upper, digits, symbols], `Choose another password: ${ALL_FOUR}.`],
    [['abc', 'XYZ', digits], `Choose another password: ${ALL_FOUR}.`], // a self-hosted project's sets
  ])('names the kinds of characters the project requires: %j', (sets, sentence) => {
    expect(describeWeakPassword(['characters'], undefined, charactersSentence(sets))).toBe(sentence)
  })
  it('names them too when Supabase reports length before and a breach after (three reasons, one message)', () => {
    const message = [LENGTH, charactersSentence([lower, upper, digits]), PWNED].join(' ')
    expect(describeWeakPassword(['length', 'characters', 'pwned'], undefined, message)).toBe(
      'Choose another password: it is too short; it needs lower- and upper-case letters (a–z, A–Z) and digits (0–9); it is known from data breaches.',
    )
  })
  it('names fewer kinds only for exactly the two dashboard choices that need fewer; anything else falls back to all four', () => {
    expect(describeWeakPassword(['characters'])).toBe(`Choose another password: ${ALL_FOUR}.`)
    // GoTrue's Decode never yields an empty set, so none is generated.
    const set = fc.constantFrom(lower, upper, lower + upper, digits, symbols, 'abc', 'XYZ', '012')
    fc.assert(
      fc.property(fc.array(set, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.boolean(), (sets, lengthToo, pwnedToo) => {
        const message = [lengthToo ? LENGTH : '', charactersSentence(sets), pwnedToo ? PWNED : ''].filter(Boolean).join(' ')
        const list = sets.join(' | ')
        const expected = list === `${lower + upper} | ${digits}` ? 'lettersDigits' : list === `${lower} | ${upper} | ${digits}` ? 'lowerUpperDigits' : undefined
        expect(requiredCharacterChoice(message)).toBe(expected)
      }),
    )
    // Text that is not GoTrue's sentence names nothing.
    fc.assert(
      fc.property(fc.string(), (junk) => {
        expect(requiredCharacterChoice(junk)).toBeUndefined()
      }),
    )
  })
  it('words Supabase weak-password reasons without numbers it cannot know', () => {
    expect(describeWeakPassword(['length', 'pwned'])).toBe(
      'Choose another password: it is too short; it is known from data breaches.',
    )
  })
})
