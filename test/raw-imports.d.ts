/** Vite's `?raw` imports (file text as a string), used to read the email templates in tests. */
declare module '*.html?raw' {
  const text: string
  export default text
}
