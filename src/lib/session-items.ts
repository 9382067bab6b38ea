/**
 * Pure: which cookies hold auth-js storage items of one storage key, as @supabase/ssr writes them: the
 * session, the PKCE code verifiers (the legacy single slot, each flow's slot and the flow index), the
 * user item of `tokens-only` sites, each whole or in `.0`, `.1`, … chunks. What auth-js's own sign-out
 * removes (`_removeSession`: the session, `removeAllPKCEVerifiers`, `-user`; auth-js
 * lib/helpers.ts `pkceVerifierSlotKey`, `pkceFlowIndexKey`). Names are matched exactly, so a planted
 * name no Set-Cookie can carry (`….(`) is never one of them.
 */
const ITEM_SUFFIX_RE = /^(?:|-code-verifier|-flows-code-verifier|-flow-[A-Za-z0-9_-]{8,64}-code-verifier|-user)(?:\.\d{1,2})?$/

export function isSessionItem(name: string, storageKey: string): boolean {
  return name.startsWith(storageKey) && ITEM_SUFFIX_RE.test(name.slice(storageKey.length))
}

const SESSION_SUFFIX_RE = /^(?:|-user)(?:\.\d{1,2})?$/

/** Pure: whether `name` holds the signed-in session itself (or its `-user` item), whole or a chunk; not a PKCE verifier. */
export function isSessionCookie(name: string, storageKey: string): boolean {
  return name.startsWith(storageKey) && SESSION_SUFFIX_RE.test(name.slice(storageKey.length))
}

/**
 * Pure: the Set-Cookie deletions that sign this browser out, from the names of the cookies it sent:
 * each storage item once host-only and, with a cookie domain, once more domain-wide, so a copy left from
 * before COOKIE_DOMAIN was set goes too (a browser keeps the two apart).
 */
export function cookiesToClear(names: Iterable<string>, storageKey: string, domain: string | undefined): { name: string; domain?: string }[] {
  const deletions: { name: string; domain?: string }[] = []
  for (const name of names) {
    if (!isSessionItem(name, storageKey)) continue
    deletions.push({ name })
    if (domain) deletions.push({ name, domain })
  }
  return deletions
}

/**
 * Pure: the deletions that go with a new session written over one the client was not shown (ssr removes
 * only the old cookies it saw): each old session cookie the new value does not overwrite, host-only and,
 * with a cookie domain, domain-wide; and with a cookie domain, the host-only copy of each name it does
 * overwrite, which a domain-wide write leaves in place (a browser sends that older copy first).
 */
export function replacedSessionCookies(
  sent: Iterable<string>,
  written: ReadonlySet<string>,
  storageKey: string,
  domain: string | undefined,
): { name: string; domain?: string }[] {
  return [...sent]
    .filter((name) => isSessionCookie(name, storageKey))
    .flatMap((name) => (!written.has(name) ? cookiesToClear([name], storageKey, domain) : domain ? [{ name }] : []))
}
