/**
 * Helpers for tests of the breached-password check: the local range server's control client, fresh
 * passwords, and a way to start a check from a cold cache (the Worker shares `caches.default` with
 * the tests, and a prefix cached by an earlier test would otherwise hide the outbound call).
 */
import { inject } from 'vitest'
import { localPwnedControl } from '../local-pwned/client'
import { rangeCacheKey } from '../src/breached-password'
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

/** Drop the cached range answer for `password`'s prefix, so the next check calls out. */
export async function forgetRange(password: string): Promise<void> {
  await caches.default.delete(rangeCacheKey(inject('pwnedUrl'), (await hashForRange(password)).prefix))
}

/**
 * Whether the range answer for `password`'s prefix is cached, waiting up to `waitMs` for it to
 * appear (the write runs in waitUntil).
 */
export async function rangeCached(password: string, waitMs = 1000): Promise<boolean> {
  const key = rangeCacheKey(inject('pwnedUrl'), (await hashForRange(password)).prefix)
  for (let i = 0; i < waitMs / 20; i++) {
    if (await caches.default.match(key)) return true
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return false
}
