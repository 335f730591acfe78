// What a node's RPC exposes and to whom, in words for the `mesh up` banner and `mesh node start`.
// The rules themselves are enforced by chain's RPC server (rpc/hostPolicy, originPolicy, unsafeMethods).

/** The RPC settings of a node config that decide its exposure. */
export type RPCExposureSettings = {
  host?: string | undefined
  corsOrigins?: readonly string[] | undefined
  allowedHosts?: readonly string[] | undefined
  allowUnsafe?: boolean | undefined
  /** A dev network (`dev` of the node config; default true). */
  dev?: boolean | undefined
}

/** Whether a bind address is reachable from this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopbackAddress(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/** Whether the unsafe methods answer under these settings (chain's `unsafeMethodsPolicy`, same rule). */
export function unsafeMethodsExposed(rpc: RPCExposureSettings): boolean {
  return (rpc.dev ?? true) && (isLoopbackAddress(rpc.host ?? '127.0.0.1') || rpc.allowUnsafe === true)
}

const UNSAFE = 'eth_sendTransaction, eth_sign*, personal_*, anvil_*, evm_*, hardhat_*'

/**
 * Lines saying what the RPC exposes and to whom: the bind (this machine only, or everyone who reaches
 * the address), the unsafe methods (answered or refused), the browser origins and the extra Host names.
 *
 * @example
 * ```ts
 * rpcExposureLines({ host: '0.0.0.0', allowUnsafe: true })
 * // ['! RPC bound to 0.0.0.0: every host that can reach this machine …', …]
 * ```
 */
export function rpcExposureLines(rpc: RPCExposureSettings): string[] {
  const host = rpc.host ?? '127.0.0.1'
  const loopback = isLoopbackAddress(host)
  const unsafe = unsafeMethodsExposed(rpc)
  const origins = rpc.corsOrigins ?? []
  const lines: string[] = []
  if (loopback) lines.push(`RPC bound to ${host}: reachable from this machine only.`)
  else
    lines.push(
      `! RPC bound to ${host}: every host that can reach ${host === '0.0.0.0' || host === '::' ? 'this machine' : host} can read the chains and send signed transactions.`,
    )
  if (!(rpc.dev ?? true)) lines.push(`Unsafe methods (${UNSAFE}): off (not a dev network).`)
  else if (unsafe)
    lines.push(
      loopback
        ? `Unsafe methods (${UNSAFE}): answered, to programs on this machine (the dev keys sign for them).`
        : `! Unsafe methods (${UNSAFE}): EXPOSED to every host that reaches ${host} (--rpc-allow-unsafe): anyone can spend the dev accounts.`,
    )
  else
    lines.push(
      `Unsafe methods (${UNSAFE}): refused on this non-loopback bind (--rpc-allow-unsafe to expose them).`,
    )
  lines.push(
    origins.length
      ? `Browser origins allowed (CORS, WebSocket): ${origins.join(', ')}${origins.includes('*') ? ' — ANY web page can use this RPC' : ''}.`
      : 'Browser origins allowed: none (--cors <origins> to allow a web page).',
  )
  if (rpc.allowedHosts?.length)
    lines.push(`Host names accepted besides localhost: ${rpc.allowedHosts.join(', ')}.`)
  return lines
}
