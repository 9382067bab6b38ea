/**
 * The 6-digit code: the way in when a mail scanner spent the link or the link will not open.
 * Works in any browser, since it needs no cookie from the request.
 */
import { expect, test } from './support/fixtures'
import {
  chooseNewPasswordWithMistakes,
  expectPasswordIsNow,
  expectUpdateForm,
  followContinue,
  NEW_PASSWORD,
  newUser,
  openEmailInInbox,
  readCodeInInbox,
  requestReset,
  expectPasswordChanged,
  submitNewPassword,
} from './support/flow'

const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0')

test('a person types the 6-digit code from the email instead of following the link', async ({ page, context, stack, control }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  await page.getByRole('link', { name: 'I have a code' }).click()
  await expect(page).toHaveURL(/\/account\/verify-code$/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Enter your code')

  // They read the code in their mail, in another tab.
  const mail = await context.newPage()
  await openEmailInInbox(mail, stack, control, user.email)
  const code = await readCodeInInbox(mail)
  expect(code).toMatch(/^\d{6}$/)
  await mail.close()

  // Nothing typed: each field says what it needs.
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByLabel('Email address')).toHaveAccessibleDescription('Enter an email address like name@example.com.')
  await expect(page.getByLabel('Code')).toHaveAccessibleDescription(/Enter the 6 digits from the email\./)

  // A wrong code: the form says so and keeps the address.
  await page.getByLabel('Email address').fill(user.email)
  await page.getByLabel('Code').fill(wrongCode(code))
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('alert')).toContainText('That code did not work')
  await expect(page.getByLabel('Email address')).toHaveValue(user.email)

  // The right one.
  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expectUpdateForm(page)
  await chooseNewPasswordWithMistakes(page)
  await followContinue(page, stack)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)

  // The code worked once.
  await page.goto('/account/verify-code')
  await page.getByLabel('Email address').fill(user.email)
  await page.getByLabel('Code').fill(code)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('alert')).toContainText('That code did not work')
})

test('the code works on another device, typed with a space as it is often read out', async ({ page, stack, control, newVisitor }) => {
  const user = await newUser(control)
  await requestReset(page, user.email)
  await openEmailInInbox(page, stack, control, user.email)
  const code = await readCodeInInbox(page)

  const phone = await newVisitor({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  await phone.goto('/')
  await phone.getByRole('link', { name: 'I have a code' }).click()
  await phone.getByLabel('Email address').fill(user.email.toUpperCase())
  await phone.getByLabel('Code').fill(`${code.slice(0, 3)} ${code.slice(3)}`)
  await phone.getByRole('button', { name: 'Continue' }).click()
  await expectUpdateForm(phone)
  await submitNewPassword(phone, NEW_PASSWORD)
  await expectPasswordChanged(phone)
  await expectPasswordIsNow(stack, user, NEW_PASSWORD)
})
