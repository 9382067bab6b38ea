/** The origin the Worker is addressed by in tests (https, so `__Host-` cookies and Secure apply). */
export const TEST_ORIGIN = 'https://auth.example.com'
