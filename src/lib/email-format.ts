/**
 * The email format Supabase Auth accepts: GoTrue's `validateEmail` runs checkmail's `ValidateFormat`
 * [auth:internal/api/mail.go:709-720], whose pattern is the HTML5 one below. Using the same check means
 * every address Supabase accepts can ask for a link or use a code here, and nothing it refuses gets past
 * us; zod's default email check is stricter (letters-only top-level domains, fewer local-part characters).
 * Kept here rather than taken from `z.regexes`, which would bundle every zod pattern.
 */
export const EMAIL_FORMAT_RE =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/
