/**
 * Helpers for tests of the breached-password check: the local range server's control client, fresh
 * passwords and their hashes.
 */
import { inject } from 'vitest'
import { localPwnedControl } from '../local-pwned/client'
import { hashForRange } from '../src/lib/breached-password'

export const pwned = () => localPwnedControl(inject('pwnedUrl'))

/** A password in no breach (the range server knows only its seed list and what tests add). */
export function freshPassword(): string {
  return `fresh ${crypto.randomUUID()}`
}

/** The SHA-1 of `password`, upper-case hex, whole and split. */
export async function hashOf(password: string): Promise<{ full: string; prefix: string; suffix: string }> {
  const { prefix, suffix } = await hashForRange(password)
  return { full: prefix + suffix, prefix, suffix }
}
