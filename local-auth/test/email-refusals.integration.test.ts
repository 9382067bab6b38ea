// Addresses GoTrue will not mail, whatever the account: the authorized-addresses list (Supabase's
// built-in SMTP mails only the team) and the mailer's extended email validation. Both only on when set.
import { describe, expect, it } from 'vitest'
import { invalidAddress, notAuthorized } from '../email-refusals'
import { PASSWORD, useLocalAuth } from './helpers'

const team = useLocalAuth({ authorizedAddresses: ['owner@team.dev'] })
const validated = useLocalAuth({ emailValidation: true, limits: { emailsPerHour: 3 } })
const plain = useLocalAuth()

const recover = (h: typeof plain, email: string) => h.api('/recover', { method: 'POST', body: JSON.stringify({ email }) })

describe('authorized addresses [auth:internal/api/mail.go:730-746, 772-775]', () => {
  it('mails a listed address (a +label ignored) and refuses any other with 400 email_address_not_authorized, for an existing account', async () => {
    for (const email of ['owner@team.dev', 'owner+reset@team.dev', 'stranger@team.dev']) await team.control.createUser({ email, password: PASSWORD })
    expect((await recover(team, 'owner@team.dev')).status).toBe(200)
    expect((await recover(team, 'owner+reset@team.dev')).status).toBe(200)
    const refused = await recover(team, 'stranger@team.dev')
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ code: 'email_address_not_authorized', message: 'Email address "stranger@team.dev" cannot be used as it is not authorized' })
    // Nothing stamped: the address may ask again at once, with no 60 s gap.
    expect((await recover(team, 'stranger@team.dev')).status).toBe(400)
    // An address with no account gets the usual empty 200: nothing is sent, so nothing is checked.
    expect((await recover(team, 'nobody@team.dev')).status).toBe(200)
  })
})

describe('extended email validation [auth:internal/mailer/validateclient/validateclient.go:20-60, 235-277; mail.go:918-927]', () => {
  it('refuses example.com with 400 email_address_invalid after charging the hourly budget, storing no token', async () => {
    await validated.control.createUser({ email: 'demo@example.com', password: PASSWORD })
    await validated.control.createUser({ email: 'person1@real-mail.dev', password: PASSWORD })
    await validated.control.createUser({ email: 'person2@real-mail.dev', password: PASSWORD })
    const refused = await recover(validated, 'demo@example.com')
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ code: 'email_address_invalid', message: 'Email address "demo@example.com" is invalid' })
    expect((await recover(validated, 'demo@example.com')).status).toBe(400) // no 60 s gap: nothing was stamped
    // Two refusals charged the budget of 3: one email left, then the budget answers.
    expect((await recover(validated, 'person1@real-mail.dev')).status).toBe(200)
    const over = await recover(validated, 'person2@real-mail.dev')
    expect(over.status).toBe(429)
    expect(await over.json()).toEqual({ code: 'over_email_send_rate_limit', message: 'email rate limit exceeded' })
  })

  it('is off by default (as in GoTrue and the CLI stack)', async () => {
    await plain.control.createUser({ email: 'demo2@example.com', password: PASSWORD })
    expect((await recover(plain, 'demo2@example.com')).status).toBe(200)
  })

  it.each([
    ['a@example.com', true],
    ['a@EXAMPLE.com', false], // GoTrue compares the host as typed; addresses reach it lower-cased
    ['a@mail.test', true],
    ['a@x.localhost', true],
    ['a@test', true],
    ['test@gmail.com', true],
    ['abcde@gmail.com', true],
    ['abcdef@gmail.com', false],
    ['a@gamil.com', true],
    ['a@example.co', false],
    ['a@company.dev', false],
  ])('static checks: %s refused: %s', (email, refused) => {
    expect(invalidAddress(email) !== undefined).toBe(refused)
  })

  it('authorized addresses: none listed allows all; a listed one matches without case or +label', () => {
    expect(notAuthorized('any@x.dev', [])).toBeUndefined()
    expect(notAuthorized('Owner+x@Team.dev', ['owner@team.dev'])).toBeUndefined()
    expect(notAuthorized('other@team.dev', ['owner@team.dev'])?.code).toBe('email_address_not_authorized')
  })
})
