/**
 * Email rendering from the project's template files and the outbox behind the Mailpit-style API.
 * Templates are read from disk on every send, so editing templates/ shows up without a restart.
 * Subjects are Supabase's defaults. Nothing is ever delivered: the outbox lives in memory.
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { htmlToText, renderTemplate } from './template'

/** The email kinds GoTrue sends for the flows this project handles. */
export type EmailType = 'recovery' | 'magiclink' | 'signup' | 'invite' | 'email_change'

const templateFiles: Record<EmailType, string> = {
  recovery: 'recovery.html',
  magiclink: 'magic_link.html',
  signup: 'confirmation.html',
  invite: 'invite.html',
  email_change: 'email_change.html',
}

/** GoTrue's default subjects [auth:internal/mailer/templatemailer/templatemailer.go]. */
const subjects: Record<EmailType, string> = {
  recovery: 'Reset Your Password',
  magiclink: 'Your Magic Link',
  signup: 'Confirm Your Signup',
  invite: 'You have been invited',
  email_change: 'Confirm Email Change',
}

/** One captured email. `created` is fake-clock milliseconds. */
export interface OutboxMessage {
  id: string
  to: string
  subject: string
  html: string
  text: string
  created: number
  type: EmailType
}

/** Template variables, named as in Supabase's templates. */
export interface TemplateData {
  SiteURL: string
  Email: string
  Token: string
  TokenHash: string
  ConfirmationURL: string
  RedirectTo: string
  NewEmail: string
  /** An email change's copy's own recipient (it mails two); absent, so empty, elsewhere [auth:internal/mailer/templatemailer/templatemailer.go:305]. */
  SendingTo?: string
  Data: Record<string, unknown>
}

/** Template file names per type, and GoTrue's default subjects (for the Management API model, management.ts). */
export const TEMPLATE_FILES: Readonly<Record<EmailType, string>> = templateFiles
export const DEFAULT_SUBJECTS: Readonly<Record<EmailType, string>> = subjects

/** Renders templates and keeps sent messages, newest last. */
export class Mailer {
  readonly outbox: OutboxMessage[] = []
  /** Content and subjects set through the Management API (management.ts); a file or default otherwise. */
  readonly overrides = new Map<EmailType, { content?: string; subject?: string }>()

  constructor(private readonly templatesDir: string) {}

  /** Render the template of `type` with `data` and put the message in the outbox. */
  async send(type: EmailType, to: string, data: TemplateData, nowMs: number): Promise<OutboxMessage> {
    const override = this.overrides.get(type)
    const source = override?.content ?? (await this.templateFile(type))
    const html = renderTemplate(source, data as unknown as Record<string, unknown>)
    const message: OutboxMessage = {
      id: randomBytes(12).toString('base64url'),
      to,
      subject: override?.subject ?? subjects[type],
      html,
      text: htmlToText(html),
      created: nowMs,
      type,
    }
    this.outbox.push(message)
    return message
  }

  /** The template file of `type` as on disk (templates/). */
  templateFile(type: EmailType): Promise<string> {
    return readFile(join(this.templatesDir, templateFiles[type]), 'utf8')
  }

  find(id: string): OutboxMessage | undefined {
    return this.outbox.find((m) => m.id === id)
  }

  clear(): void {
    this.outbox.length = 0
  }
}
