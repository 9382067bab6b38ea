/**
 * The one script our pages carry: each form is sent once. A second press (a double click, Enter then a
 * click) while the first is on its way would make the browser drop the first answer, after it had
 * already spent a one-time link or code at Supabase, and show the second: "expired", "did not work",
 * "already your password". The script ignores later submits of a form already sent and marks its
 * button busy with aria-disabled, never `disabled`, which would drop the button's name and value from
 * the form data. Pages work as before with JavaScript off. A page the browser restores from its
 * back/forward cache (`pageshow` with `persisted`) can be sent again.
 * Inline, allowed by its SHA-256 in `script-src` (CSP Level 3, "hash-source"): the policy allows this
 * exact text and nothing else, needs no per-site asset or extra request, and the layout's static parts
 * carry it at no cost per request. Trade-off: a person who presses Stop while a form is on its way
 * reloads the page to send it again.
 */
import { lazy } from '../lib/lazy'

/** The script, as it appears between `<script>` and `</script>` in every page. */
export const SUBMIT_GUARD_SCRIPT = `document.addEventListener('submit', function (event) {
  var form = event.target
  if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return
  if (form.hasAttribute('data-sent')) return event.preventDefault()
  form.setAttribute('data-sent', '')
  if (event.submitter) event.submitter.setAttribute('aria-disabled', 'true')
})
addEventListener('pageshow', function (event) {
  if (!event.persisted) return
  document.querySelectorAll('form[data-sent]').forEach(function (form) {
    form.removeAttribute('data-sent')
    form.querySelectorAll('[aria-disabled]').forEach(function (button) { button.removeAttribute('aria-disabled') })
  })
})`

/**
 * The CSP source allowing the script: `'sha256-<base64 digest>'`. WebCrypto's digest is asynchronous,
 * so it is computed on first use (once per isolate), not at module scope.
 */
export const submitGuardSource: () => Promise<string> = lazy(async () => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(SUBMIT_GUARD_SCRIPT)))
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`
})
