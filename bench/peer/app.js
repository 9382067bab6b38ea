// The benchmark peer: the Express 5 server a team writes from Supabase's server-side guides for password
// reset, and nothing more (bench/peer/README.md cites each part). It keeps the guides' gaps on purpose
// (the open redirect through `next`, no CSRF, no rate limits, no security headers): it is what users
// would otherwise deploy, not what they should.
const express = require('express')

const { createClient } = require('./lib/supabase')

const app = express()
// The guides' routes read `req.body`; Express needs its standard form parser for that.
app.use(express.urlencoded({ extended: false }))

// "Step 1: Create a reset password page ... Collect the user's email address and request a password reset email."
app.get('/account/forgot-password', function (req, res) {
  res.send('<form method="post"><input type="email" name="email"><button>Reset password</button></form>')
})

app.post('/account/forgot-password', async function (req, res) {
  const { email } = req.body
  const supabase = createClient({ req, res })
  await supabase.auth.resetPasswordForEmail(email)
  res.send('Check your email')
})

// "Step 2: Create token exchange endpoint", Express tab, as published except for the `return`: without it
// the success branch falls through to the error redirect and Express throws ERR_HTTP_HEADERS_SENT.
app.get('/auth/confirm', async function (req, res) {
  const token_hash = req.query.token_hash
  const type = req.query.type
  const next = req.query.next ?? '/'

  if (token_hash && type) {
    const supabase = createClient({ req, res })
    const { error } = await supabase.auth.verifyOtp({
      type,
      token_hash,
    })
    if (!error) {
      return res.redirect(303, `/${next.slice(1)}`)
    }
  }

  // return the user to an error page with some instructions
  res.redirect(303, '/auth/auth-code-error')
})

// "Create a change password page ... accessible only to authenticated users" ("Always use
// supabase.auth.getClaims() to protect pages"), then "collect the user's new password and call updateUser".
app.get('/account/update-password', async function (req, res) {
  const supabase = createClient({ req, res })
  const { data } = await supabase.auth.getClaims()
  if (!data) return res.redirect(303, '/account/forgot-password')
  res.send('<form method="post"><input type="password" name="password"><button>Update password</button></form>')
})

app.post('/account/update-password', async function (req, res) {
  const supabase = createClient({ req, res })
  const { error } = await supabase.auth.updateUser({ password: req.body.password })
  if (error) return res.status(400).send('Could not update the password')
  res.send('Password updated')
})

app.get('/auth/auth-code-error', function (req, res) {
  res.send('That link is invalid or has expired')
})

app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1')
