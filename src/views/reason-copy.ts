/**
 * What we tell a person for each Reason: a title, what happened in plain words, and what to do.
 * The one exhaustive mapping from reason codes to public text (STYLE rule 29); Supabase's own
 * wording never reaches a page.
 */
import { FORGOT_PASSWORD_PATH, VERIFY_CODE_PATH } from '../constants'
import type { Reason } from '../lib/reasons'
import type { LinkAction } from './components'

export interface ReasonCopy {
  readonly title: string
  readonly message: string
  readonly actions: readonly LinkAction[]
}

const newLink: LinkAction = { href: FORGOT_PASSWORD_PATH, label: 'Send me a new link' }
const enterCode: LinkAction = { href: VERIFY_CODE_PATH, label: 'Enter the 6-digit code from the email instead' }
const newerCode: LinkAction = { href: VERIFY_CODE_PATH, label: 'I have a code from a newer email' }
const tryAgain: LinkAction = { href: FORGOT_PASSWORD_PATH, label: 'Start again' }

export function copyFor(reason: Reason): ReasonCopy {
  switch (reason) {
    case 'link_expired':
      return {
        title: 'This link has expired or was already used',
        message:
          'Each link works once and only for a limited time, and asking for a new email makes older ones stop working. The code in the same email has stopped working too. Ask for a new link: it takes a minute.',
        actions: [newLink, newerCode],
      }
    case 'link_invalid':
      return {
        title: 'This link is not complete',
        message:
          'The link seems to have been cut short or changed, for example by being copied across two lines. Open it straight from the email, or ask for a new one.',
        actions: [newLink, enterCode],
      }
    case 'other_device':
      return {
        title: 'Open this link on the device where you asked for it',
        message:
          'This kind of link only works in the browser where the reset was requested, and opening it elsewhere used it up. Ask for a new link here, and open it on this device.',
        actions: [newLink, newerCode],
      }
    case 'rate_limited':
      return {
        title: 'Too many attempts',
        message: 'For your security we limit how often this can be tried. Wait a minute, then try again.',
        actions: [tryAgain],
      }
    case 'upstream_timeout':
      return {
        title: 'The sign-in service is taking too long',
        message:
          'We could not reach the sign-in service in time. Nothing was changed. Your link may still work: wait a moment and open it again.',
        actions: [tryAgain],
      }
    case 'upstream_unavailable':
      return {
        title: 'The sign-in service is having trouble',
        message:
          'The sign-in service did not answer properly. Nothing was changed. Please try again in a few minutes; your link may still work.',
        actions: [tryAgain],
      }
    case 'account_unavailable':
      return {
        title: 'This account cannot be used right now',
        message: 'Please contact support if you think this is a mistake.',
        actions: [tryAgain],
      }
    case 'weak_password':
      return {
        title: 'Choose a stronger password',
        message: 'That password is too easy to guess.',
        actions: [],
      }
    case 'same_password':
      return {
        title: 'Choose a different password',
        message: 'Your new password must be different from your current one.',
        actions: [],
      }
    case 'breached_password':
      return {
        title: 'Choose a password that has not been leaked',
        message:
          'This password has appeared in data breaches on other sites, so attackers try it first. Choose one you have never used anywhere else: let your password manager make one, or string together a few unrelated words.',
        actions: [],
      }
    case 'session_missing':
      return {
        title: 'Your reset session has ended',
        message: 'For your security, reset sessions are short. Ask for a new link to continue.',
        actions: [newLink],
      }
    case 'reauthentication_needed':
      return {
        title: 'Please confirm it is you',
        message: 'Your session is too old to change the password without proving it is you. Ask for a new reset link.',
        actions: [newLink],
      }
    case 'mfa_required':
      return {
        title: 'Two-factor verification needed',
        message: 'This account uses two-factor authentication. Sign in with your second factor on the main site, then change your password there.',
        actions: [tryAgain],
      }
    case 'code_invalid':
      return {
        title: 'That code did not work',
        message: 'The code is wrong, was already used, or has expired. Check the newest email, or ask for a new one.',
        actions: [newLink],
      }
    case 'unexpected':
      return {
        title: 'Something went wrong',
        message: 'Nothing was changed. Please try again; if it keeps happening, ask for a new link.',
        actions: [tryAgain],
      }
  }
}
