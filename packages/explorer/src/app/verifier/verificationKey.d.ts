/** The settlement circuit's verifying key (zk-bridge's `artifacts/verification_key.json`), aliased by vite.config.ts. */
declare module 'virtual:settlement-vkey' {
  const vkey: Record<string, unknown>
  export default vkey
}
