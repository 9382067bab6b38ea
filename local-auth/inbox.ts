/**
 * The outbox, seen two ways: a Mailpit-compatible JSON API (/api/v1/messages, /api/v1/search,
 * /api/v1/message/:id; the shape Supabase's local stack serves) and a plain HTML inbox at /inbox for
 * people running `npm run dev`.
 * Markup uses hono/html, which escapes every value; the email itself is shown in a sandboxed iframe
 * (srcdoc, escaped) with its links also listed as plain anchors.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { AppEnv, LocalAuthContext } from './context'
import { extractLinks } from './client'
import type { OutboxMessage } from './mailer'

const SENDER = { Name: 'Supabase Auth (local)', Address: 'noreply@local-auth.test' }

function summary(m: OutboxMessage) {
  return {
    ID: m.id,
    MessageID: `${m.id}@local-auth`,
    Read: false,
    From: SENDER,
    To: [{ Name: '', Address: m.to }],
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    Subject: m.subject,
    Created: new Date(m.created).toISOString(),
    Tags: [],
    Size: Buffer.byteLength(m.html),
    Attachments: 0,
    Snippet: m.text.slice(0, 250),
  }
}

/** Does a message match a Mailpit search? Supports `to:`, `subject:` and free words (all must match). */
function isSearchMatch(m: OutboxMessage, query: string): boolean {
  return query
    .split(/\s+/)
    .filter(Boolean)
    .every((term) => {
      const [, field, raw] = /^(?:(to|subject):)?"?(.*?)"?$/i.exec(term) ?? []
      const value = (raw ?? '').toLowerCase()
      if (field?.toLowerCase() === 'to') return m.to.toLowerCase() === value
      if (field?.toLowerCase() === 'subject') return m.subject.toLowerCase().includes(value)
      return `${m.to} ${m.subject} ${m.text}`.toLowerCase().includes(value)
    })
}

/** Mailpit's paged list body, newest first; `start`/`limit` as Mailpit reads them. */
function listBody(all: OutboxMessage[], total: number, start: number, limit: number) {
  const page = all.slice(start, start + limit).map(summary)
  return { total, unread: total, count: page.length, messages_count: all.length, start, tags: [], messages: page }
}

/** Mailpit API: list and search (newest first), read one, delete all or some. */
export function mailpitRoutes(ctx: LocalAuthContext) {
  const paging = (c: { req: { query(k: string): string | undefined } }) => ({
    start: Math.max(0, Number(c.req.query('start')) || 0),
    limit: Math.max(1, Number(c.req.query('limit')) || 50),
  })
  return new Hono<AppEnv>()
    .get('/messages', (c) => {
      const all = [...ctx.mailer.outbox].reverse()
      const { start, limit } = paging(c)
      return c.json(listBody(all, all.length, start, limit))
    })
    .get('/search', (c) => {
      const all = [...ctx.mailer.outbox].reverse().filter((m) => isSearchMatch(m, c.req.query('query') ?? ''))
      const { start, limit } = paging(c)
      return c.json(listBody(all, ctx.mailer.outbox.length, start, limit))
    })
    .delete('/messages', async (c) => {
      const text = await c.req.text()
      const ids = text.trim() ? ((JSON.parse(text) as { IDs?: string[] }).IDs ?? []) : []
      if (ids.length === 0) ctx.mailer.clear()
      else ctx.mailer.outbox.splice(0, ctx.mailer.outbox.length, ...ctx.mailer.outbox.filter((m) => !ids.includes(m.id)))
      return c.text('ok')
    })
    .get('/message/:id', (c) => {
      const m = ctx.mailer.find(c.req.param('id'))
      if (!m) return c.text('message not found', 404)
      return c.json({ ...summary(m), Date: summary(m).Created, ReturnPath: SENDER.Address, HTML: m.html, Text: m.text, Inline: [], Attachments: [] })
    })
}

const page = (title: string, body: unknown) => html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
iframe{width:100%;height:24rem;border:1px solid #ccc}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}</style>
</head><body>${body}</body></html>`

/** The HTML inbox: a list and a message view whose links a person can click. */
export function inboxRoutes(ctx: LocalAuthContext) {
  return new Hono<AppEnv>()
    .get('/', (c) => {
      const rows = [...ctx.mailer.outbox].reverse().map(
        (m) => html`<tr><td>${new Date(m.created).toISOString()}</td><td>${m.to}</td><td><a href="/inbox/${m.id}">${m.subject}</a></td></tr>`,
      )
      return c.html(page('Local inbox', html`<h1>Local inbox</h1>
<p>Emails the local Supabase Auth stand-in would have sent (newest first). Nothing leaves this machine.</p>
<p id="email-budget">${ctx.limits.emailsThisHour()} of ${ctx.limits.settings.emailsPerHour} emails this hour${
        ctx.limits.emailsThisHour() >= ctx.limits.settings.emailsPerHour ? ': the budget is used up, further emails are refused (over_email_send_rate_limit)' : ''
      }.</p>
${rows.length ? html`<table><tr><th>Sent</th><th>To</th><th>Subject</th></tr>${rows}</table>` : html`<p>No messages yet.</p>`}`))
    })
    .get('/:id', (c) => {
      const m = ctx.mailer.find(c.req.param('id'))
      if (!m) return c.html(page('Not found', html`<p>No such message. <a href="/inbox">Back to the inbox</a></p>`), 404)
      const links = extractLinks(m.html).map((href) => html`<li><a href="${href}">${href}</a></li>`)
      return c.html(page(m.subject, html`<p><a href="/inbox">&larr; Inbox</a></p>
<h1>${m.subject}</h1><p>To: ${m.to}<br>Sent: ${new Date(m.created).toISOString()}</p>
<h2>Links in this email</h2><ul>${links}</ul>
<h2>Email</h2><iframe title="Email body" sandbox="allow-top-navigation-by-user-activation allow-popups" srcdoc="${`<base target="_top">${m.html}`}"></iframe>
<h2>Text part</h2><pre>${m.text}</pre>`))
    })
}
