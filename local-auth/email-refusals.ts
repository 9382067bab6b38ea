/**
 * The two ways GoTrue refuses to send an email to an address, whatever the account: the project's
 * authorized addresses (Supabase's built-in SMTP mails only the team's) and the mailer's static email
 * validation. Pure: the address and the settings in, an error or nothing out.
 */
import { badRequest, type AuthError } from './errors'

const labelRe = /[+][^@]+@/

/** Authorized addresses, when any are set, with a `+label` ignored [auth:internal/api/mail.go:730-746]. */
export function notAuthorized(email: string, authorized: readonly string[]): AuthError | undefined {
  if (authorized.length === 0) return undefined
  const normalised = email.replace(labelRe, '@').toLowerCase()
  if (authorized.some((address) => address.toLowerCase() === normalised)) return undefined
  return badRequest('email_address_not_authorized', `Email address ${JSON.stringify(email)} cannot be used as it is not authorized`)
}

// The static lists [auth:internal/mailer/validateclient/validateclient.go:20-60].
const INVALID_ADDRESSES = new Set(['test@gmail.com', 'example@gmail.com', 'someone@gmail.com', 'test@email.com'])
const INVALID_HOST_SUFFIXES = ['.test', '.example', '.invalid', '.local', '.localhost']
const INVALID_HOSTS = new Set(['test', 'example', 'invalid', 'local', 'localhost', 'test.com', 'example.com', 'example.net', 'example.org', 'gamil.com', 'gamai.com', 'anonymous.com', 'email.com'])

/** The extended validation's static checks [validateclient.go:235-277, 337-350]; no DNS or service lookup. */
export function invalidAddress(email: string, quoted = email): AuthError | undefined {
  const at = email.lastIndexOf('@')
  const host = email.slice(at + 1)
  const name = email.slice(0, at)
  const invalid =
    at < 0 ||
    INVALID_ADDRESSES.has(email) ||
    INVALID_HOSTS.has(host) ||
    INVALID_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix)) ||
    (host === 'gmail.com' && Buffer.byteLength(name, 'utf8') < 6)
  // Supabase wraps every validation error the same way [auth:internal/api/mail.go:918-927].
  return invalid ? badRequest('email_address_invalid', `Email address ${JSON.stringify(quoted)} is invalid`) : undefined
}
