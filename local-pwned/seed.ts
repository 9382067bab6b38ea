/**
 * The passwords the local range server knows as breached, with how often: a handful of the most
 * common leaked passwords (counts rounded, in the spirit of Pwned Passwords, not copied from it) and
 * two rare ones for BREACHED_PASSWORD_MIN_COUNT. Tests add their own with `addPassword`.
 * Keep the test suites' "fresh" passwords (e.g. e2e's `correct horse battery staple`) out of this list.
 */
export const KNOWN_BREACHED_PASSWORDS: Readonly<Record<string, number>> = {
  '123456': 200_000_000,
  '12345678': 3_000_000,
  '123456789': 7_000_000,
  password: 10_000_000,
  password1: 2_500_000,
  password123: 2_000_000,
  qwerty123: 1_000_000,
  iloveyou: 1_500_000,
  letmein123: 30_000,
  welcome123: 80_000,
  'P@ssw0rd': 60_000,
  'Password1!': 200_000,
  // Rare ones: refused at the default minimum (1), allowed with BREACHED_PASSWORD_MIN_COUNT above it.
  'leaked only once': 1,
  'leaked a few times': 5,
}
