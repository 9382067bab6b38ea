/**
 * checkFormAccount: a new-password form saves only for the account it was shown for. Whatever the
 * form's field holds, it is accepted exactly when it is the held user id, never for a missing field.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkFormAccount } from '../src/lib/form-account'

/** A form field can hold any text; user ids are UUIDs, in any case a hostile form might use. */
const anyField = fc.oneof(fc.string(), fc.uuid(), fc.uuid().map((id) => id.toUpperCase()))

describe('checkFormAccount', () => {
  it('accepts exactly the held user id; refuses anything else as changed, and nothing as unstated', () => {
    // Often the field holds the held id itself (or a case variant of it), so every branch runs.
    const sentFor = (held: string) => fc.option(fc.oneof(anyField, fc.constant(held), fc.constant(held.toUpperCase())), { nil: undefined })
    fc.assert(
      fc.property(fc.uuid().chain((held) => fc.tuple(sentFor(held), fc.constant(held))), ([sent, held]) => {
        const result = checkFormAccount(sent, held)
        if (sent === held) expect(result).toEqual({ ok: true })
        else if (!sent) expect(result).toEqual({ ok: false, reason: 'account_unstated' })
        else expect(result).toEqual({ ok: false, reason: 'account_changed' })
      }),
      { numRuns: 2000, seed: 20240611 },
    )
  })

  it('the form shown for an account saves for that account', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        expect(checkFormAccount(id, id).ok).toBe(true)
      }),
    )
  })
})
