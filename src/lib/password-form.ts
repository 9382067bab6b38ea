/**
 * Validation of the new-password form, and the wording of Supabase's weak-password reasons.
 * Pure. Limits mirror Supabase Auth's (72-byte bcrypt cap) so most problems are caught before a round trip.
 */
import * as z from 'zod/mini'
import { MAX_PASSWORD_BYTES } from '../constants'
import type { Translator } from '../i18n/catalogue'
import { ENGLISH } from '../i18n/catalogues'

/** Field errors of the new-password form. */
export interface UpdatePasswordErrors {
  readonly password?: string | undefined
  readonly password_confirm?: string | undefined
  /** A problem with the request as a whole, shown above the form. */
  readonly form?: string | undefined
  /** A way forward for `form`, e.g. asking for a new link. */
  readonly formLink?: { readonly href: string; readonly label: string } | undefined
}

/** True when the form has any error: the page title then says so. */
export function hasErrors(errors: UpdatePasswordErrors): boolean {
  return Boolean(errors.password || errors.password_confirm || errors.form)
}

export type PasswordFormResult =
  | { readonly ok: true; readonly password: string }
  | { readonly ok: false; readonly errors: UpdatePasswordErrors }

/** One schema per minimum length (one per deployment), built on first use. */
const schemas = new Map<number, ReturnType<typeof buildSchema>>()

function buildSchema(minLength: number) {
  return z
    .object({
      password: z.string().check(
        z.minLength(minLength, { error: 'tooShort' }),
        z.refine((p) => new TextEncoder().encode(p).length <= MAX_PASSWORD_BYTES, { error: 'tooLong' }),
      ),
      password_confirm: z.string(),
    })
    .check(
      // On the first field: the page comes back with both fields empty (passwords are never sent back),
      // so that is where typing starts again, and the message it carries says to fill in both.
      z.refine((v) => v.password === v.password_confirm, {
        path: ['password'],
        error: 'mismatch',
      }),
    )
}

/** Pure: check the two fields against the configured minimum length; errors in `t`'s language (default English). */
export function validatePasswordForm(form: Readonly<Record<string, string>>, minLength: number, t: Translator = ENGLISH): PasswordFormResult {
  let schema = schemas.get(minLength)
  if (!schema) schemas.set(minLength, (schema = buildSchema(minLength)))
  const result = schema.safeParse({ password: form.password ?? '', password_confirm: form.password_confirm ?? '' })
  if (result.success) return { ok: true, password: result.data.password }
  const fields = z.flattenError(result.error).fieldErrors
  const words = (code: string | undefined) =>
    code === 'tooShort' ? t.count(t.m.update.tooShort, minLength)
    : code === 'tooLong' ? t.count(t.m.update.tooLong, MAX_PASSWORD_BYTES)
    : code === 'mismatch' ? t.m.update.mismatch
    : code
  return { ok: false, errors: { password: words(fields.password?.[0]), password_confirm: words(fields.password_confirm?.[0]) } }
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
const DIGITS = '0123456789'
/** The sets GoTrue lists for two of the dashboard's choices (password.go:46-51 joins them with ', '). */
const CHOICES: ReadonlyMap<string, 'lettersDigits' | 'lowerUpperDigits'> = new Map([
  [`${LOWER}${UPPER}, ${DIGITS}`, 'lettersDigits'],
  [`${LOWER}, ${UPPER}, ${DIGITS}`, 'lowerUpperDigits'],
])

/** Each choice's clause in the catalogue. */
const CHOICE_WORDS = { lettersDigits: 'weakLettersDigits', lowerUpperDigits: 'weakLowerUpperDigits' } as const

/**
 * Pure: which of the dashboard's required-character choices Supabase's weak-password message names
 * ("Password should contain at least one character of each: <set>, <set>."). Undefined for the full
 * choice (with symbols), a self-hosted project's own sets, or other wording: the words for all four
 * kinds then cover it.
 */
export function requiredCharacterChoice(message: string): 'lettersDigits' | 'lowerUpperDigits' | undefined {
  // The sentence can have others before and after it (length, pwned; joined by spaces, password.go:70-72),
  // so each list is matched whole, up to its full stop: the full choice goes on `0123456789, !@#…`.
  for (const [listed, choice] of CHOICES) if (message.includes(`at least one character of each: ${listed}.`)) return choice
  return undefined
}

/**
 * Pure: Supabase's `weak_password.reasons` as one sentence for a person, in `t`'s language: the
 * catalogue's frame around its clauses, joined with its own separator. `message` is Supabase's own
 * (English) text, read only to name the kinds of characters the project requires.
 */
export function describeWeakPassword(reasons: readonly string[], t: Translator = ENGLISH, message = ''): string {
  const { update } = t.m
  const parts = reasons.map((reason) => {
    switch (reason) {
      case 'length':
        // Supabase's minimum can be above ours; its number is only in its own wording, which we don't show.
        return update.weakLength
      case 'characters': {
        const choice = requiredCharacterChoice(message)
        return choice ? update[CHOICE_WORDS[choice]] : update.weakCharacters
      }
      case 'pwned':
        return update.weakPwned
      default:
        return update.weakOther
    }
  })
  return update.weak.replace('{reasons}', [...new Set(parts)].join(update.weakSeparator))
}
