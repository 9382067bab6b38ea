/**
 * Whether a new-password form may be saved for the account this browser holds now. Pure. The form
 * carries the user id it was shown for; the session cookie is the browser's, shared by every tab, so
 * a link opened in another tab can swap the account under a form left open, which would then set the
 * password of an account it never named (and a password manager would file it under the name it did).
 * Trade-off: a form without the field (rendered before it existed) is refused too: typing the new
 * password once more is cheaper than guessing which account such a form was meant for.
 */

/** The outcome: save, or show the form again for the account held now (`reason` for the log line). */
export type FormAccountCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'account_changed' | 'account_unstated' }

/**
 * Pure: `sent` is the form's account field (undefined when it had none), `heldUserId` the verified
 * session's `sub`. Exact comparison: the field holds what we rendered, byte for byte.
 */
export function checkFormAccount(sent: string | undefined, heldUserId: string): FormAccountCheck {
  if (!sent) return { ok: false, reason: 'account_unstated' }
  return sent === heldUserId ? { ok: true } : { ok: false, reason: 'account_changed' }
}
