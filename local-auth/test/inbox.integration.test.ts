// The Mailpit-compatible API and the HTML inbox over a running stand-in.
import { describe, expect, it } from 'vitest'
import { PASSWORD, useLocalAuth } from './helpers'

const h = useLocalAuth({ seedDemoUser: true })

describe('Mailpit API', () => {
  it('lists newest first with Mailpit fields, reads one with HTML and Text, deletes all', async () => {
    await h.control.createUser({ email: 'one@example.com', password: PASSWORD })
    await h.control.mintToken({ email: 'one@example.com', type: 'recovery' })
    await h.control.mintToken({ email: 'demo@example.com', type: 'magiclink' })
    const list = (await (await fetch(`${h.auth.url}/api/v1/messages`)).json()) as { total: number; messages: { ID: string; To: { Address: string }[]; Subject: string; Created: string }[] }
    expect(list.total).toBe(2)
    expect(list.messages.map((m) => m.To[0]!.Address)).toEqual(['demo@example.com', 'one@example.com'])
    const one = (await (await fetch(`${h.auth.url}/api/v1/message/${list.messages[1]!.ID}`)).json()) as Record<string, unknown>
    expect(one).toMatchObject({ ID: list.messages[1]!.ID, Subject: 'Reset Your Password', To: [{ Name: '', Address: 'one@example.com' }] })
    expect(one.HTML).toContain('token_hash=')
    expect(one.Text).toMatch(/code: \d{6}/)
    expect((await fetch(`${h.auth.url}/api/v1/messages`, { method: 'DELETE' })).status).toBe(200)
    expect(await h.control.messages()).toEqual([])
  })

  it('searches by recipient and subject, with start/limit paging', async () => {
    await h.control.createUser({ email: 'one@example.com', password: PASSWORD })
    await h.control.mintToken({ email: 'one@example.com', type: 'recovery' })
    await h.control.mintToken({ email: 'demo@example.com', type: 'magiclink' })
    await h.control.mintToken({ email: 'demo@example.com', type: 'recovery' })
    const search = async (query: string, extra = '') =>
      ((await (await fetch(`${h.auth.url}/api/v1/search?query=${encodeURIComponent(query)}${extra}`)).json()) as { messages: { To: { Address: string }[]; Subject: string }[] }).messages
    expect((await search('to:demo@example.com')).map((m) => m.Subject)).toEqual(['Reset Your Password', 'Your Magic Link'])
    expect((await search('to:demo@example.com', '&limit=1')).map((m) => m.Subject)).toEqual(['Reset Your Password'])
    expect((await search('to:demo@example.com', '&start=1')).map((m) => m.Subject)).toEqual(['Your Magic Link'])
    expect((await search('subject:reset')).map((m) => m.To[0]!.Address)).toEqual(['demo@example.com', 'one@example.com'])
    const page = (await (await fetch(`${h.auth.url}/api/v1/messages?limit=2`)).json()) as { total: number; count: number }
    expect(page).toMatchObject({ total: 3, count: 2 })
  })

  it('latestMessageTo waits for a late email', async () => {
    setTimeout(() => void h.control.mintToken({ email: 'demo@example.com', type: 'recovery' }), 100)
    const message = await h.control.latestMessageTo('DEMO@example.com', { timeoutMs: 2000 })
    expect(message.Subject).toBe('Reset Your Password')
    await expect(h.control.latestMessageTo('nobody@example.com', { timeoutMs: 50 })).rejects.toThrow(/no email/)
  })
})

describe('HTML inbox', () => {
  it('lists messages and shows one with clickable links, escaping everything', async () => {
    await h.control.mintToken({ email: 'demo@example.com', type: 'recovery' })
    const [summary] = await h.control.messages()
    const listPage = await (await fetch(h.auth.inboxUrl)).text()
    expect(listPage).toContain(`<a href="/inbox/${summary!.ID}">Reset Your Password</a>`)
    const page = await (await fetch(`${h.auth.inboxUrl}/${summary!.ID}`)).text()
    expect(page).toMatch(/<li><a href="http:\/\/127\.0\.0\.1:8787\/auth\/confirm\?token_hash=[0-9a-f]{56}&amp;type=recovery&amp;next=\/account\/update-password">/)
    expect(page).toContain('srcdoc="&lt;base target=&quot;_top&quot;&gt;&lt;h2&gt;Reset your password')
    expect((await fetch(`${h.auth.inboxUrl}/nope`)).status).toBe(404)
  })

  it('re-seeds the demo user on reset', async () => {
    const res = await h.client().auth.signInWithPassword(h.auth.demoUser)
    expect(res.error).toBeNull()
    expect(h.auth.demoUser).toEqual({ email: 'demo@example.com', password: 'demo-password-123' })
  })
})
