/**
 * User rows: creation (admin API, control API, seeding) and the wire shape of §3.1 of the contract.
 * Field presence follows GoTrue's omitempty rules; timestamps are RFC 3339 strings. No phone support:
 * `phone` is always "" and phone fields are never set.
 */
import { randomUUID } from 'node:crypto'
import type { Clock } from './clock'
import { DEFAULT_AUD, DEFAULT_ROLE } from './constants'
import { hashPassword } from './password'
import type { Store, UserRow } from './store'

/** Inputs of {@link createUser}; mirrors the admin API body. */
export interface NewUser {
  email: string
  password?: string
  emailConfirm?: boolean
  userMetadata?: Record<string, unknown>
  appMetadata?: Record<string, unknown>
  role?: string
  id?: string
  bannedUntil?: number
  invitedAt?: number
}

/** Insert a user with an email identity. Caller has validated the email and uniqueness. */
export async function createUser(store: Store, clock: Clock, input: NewUser): Promise<UserRow> {
  const now = clock.nowMs()
  const user: UserRow = {
    id: input.id ?? randomUUID(),
    aud: DEFAULT_AUD,
    role: input.role || DEFAULT_ROLE,
    email: input.email.toLowerCase(),
    passwordHash: input.password !== undefined ? await hashPassword(input.password) : undefined,
    appMetadata: { provider: 'email', providers: ['email'], ...(input.appMetadata ?? {}) },
    userMetadata: { ...(input.userMetadata ?? {}) },
    identityId: randomUUID(),
    createdAt: now,
    updatedAt: now,
    bannedUntil: input.bannedUntil,
    invitedAt: input.invitedAt,
  }
  if (input.emailConfirm) confirmEmail(user, now)
  store.users.set(user.id, user)
  return user
}

/** Mark the email confirmed; GoTrue also merges `email_verified: true` into user_metadata. */
export function confirmEmail(user: UserRow, now: number): void {
  user.emailConfirmedAt ??= now
  user.userMetadata = { ...user.userMetadata, email_verified: true }
  user.updatedAt = now
}

export function isBanned(user: UserRow, now: number): boolean {
  return user.bannedUntil !== undefined && user.bannedUntil > now
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString())

/** The identity object of the user's email identity (contract §3.2). */
function identityJson(user: UserRow) {
  return {
    identity_id: user.identityId,
    id: user.id,
    user_id: user.id,
    identity_data: {
      email: user.email,
      email_verified: user.emailConfirmedAt !== undefined,
      phone_verified: false,
      sub: user.id,
    },
    provider: 'email',
    last_sign_in_at: iso(user.lastSignInAt ?? user.createdAt),
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
    email: user.email,
  }
}

/** The user object as GoTrue serialises it; undefined fields vanish in JSON (omitempty). */
export function userJson(user: UserRow): Record<string, unknown> {
  return {
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email,
    email_confirmed_at: iso(user.emailConfirmedAt),
    phone: '',
    confirmed_at: iso(user.emailConfirmedAt),
    invited_at: iso(user.invitedAt),
    confirmation_sent_at: iso(user.confirmationSentAt),
    recovery_sent_at: iso(user.recoverySentAt),
    email_change_sent_at: iso(user.emailChangeSentAt),
    new_email: user.newEmail,
    last_sign_in_at: iso(user.lastSignInAt),
    banned_until: iso(user.bannedUntil),
    app_metadata: user.appMetadata,
    user_metadata: user.userMetadata,
    identities: [identityJson(user)],
    created_at: iso(user.createdAt),
    updated_at: iso(user.updatedAt),
    is_anonymous: false,
  }
}
