import { devAccounts } from '@rollup-mesh/core'
import { type RPCExposureSettings, rpcExposureLines } from '../../mesh/rpcExposure.js'
import type { MeshState } from '../../mesh/state.js'
import { table } from '../../output.js'

/** The anvil-style banner: networks, dev accounts with keys, what the RPC exposes and to whom, where logs go. */
export function banner(
  state: MeshState,
  options: { detached: boolean; readyMs: number; rpc?: RPCExposureSettings | undefined },
): string {
  const lines: string[] = []
  lines.push('', '                 rollup-mesh', '')
  lines.push(`Mesh ready in ${(options.readyMs / 1000).toFixed(1)} s (data dir ${state.dataDir})`, '')
  lines.push('Networks')
  lines.push('========')
  lines.push(
    table(
      ['network', 'chain id', 'VMs', 'RPC', 'WS'],
      state.networks.map((n) => [
        n.role ? `${n.name} (${n.role})` : n.name,
        String(n.chainId),
        n.vms.map((v) => v.toUpperCase()).join(' + '),
        n.rpcUrl,
        n.wsUrl,
      ]),
    ),
  )
  lines.push(...validatorLines(state))
  const withContracts = state.networks.filter((n) => n.contracts && Object.keys(n.contracts).length > 0)
  for (const n of withContracts) {
    lines.push('', `System contracts (${n.name})`)
    lines.push('==================')
    for (const [name, address] of Object.entries(n.contracts!)) lines.push(`${name.padEnd(18)} ${address}`)
  }
  lines.push('', 'Available Accounts (10,000 ETH on every network)')
  lines.push('==================')
  const accounts = devAccounts(10)
  for (const a of accounts) lines.push(`(${a.index}) ${a.address}`)
  lines.push('', 'Private Keys')
  lines.push('==================')
  for (const a of accounts) lines.push(`(${a.index}) ${a.privateKey}`)
  lines.push('', 'Wallet')
  lines.push('==================')
  lines.push('Mnemonic:          test test test test test test test test test test test junk')
  lines.push("Derivation path:   m/44'/60'/0'/0/")
  lines.push('', 'RPC access')
  lines.push('==================')
  lines.push(...rpcExposureLines(options.rpc ?? {}))
  if (state.explorer) {
    lines.push('', 'Explorer')
    lines.push('==================')
    lines.push(
      state.explorer.url
        ? `${state.explorer.url}   (blocks, transactions, settlements and messages, live; every node accepts its origin)`
        : `\`mesh explorer\` serves it on http://127.0.0.1:${state.explorer.port}/ (every node accepts that origin)`,
    )
  }
  lines.push('', 'Logs')
  lines.push('==================')
  for (const n of state.networks) lines.push(`${n.name.padEnd(8)} ${n.logFile}   (mesh logs ${n.name} -f)`)
  lines.push('')
  lines.push(
    options.detached
      ? 'Running in the background. `mesh status` shows it, `mesh down` stops it.'
      : 'Ctrl-C (or `mesh down` from another terminal) stops every node.',
  )
  return lines.join('\n')
}

/** Main-net validators (address, RPC URL), when the main net runs more than one. */
export function validatorLines(state: MeshState): string[] {
  const validators = state.networks.filter((n) => n.kind === 'mainnet' && n.validator)
  if (validators.length < 2) return []
  return [
    '',
    `Main-net validators (${validators.length}, BFT: a block is final with > 2/3 of them)`,
    '==================',
    ...validators.map((n, i) => `(${i}) ${n.validator}  ${n.rpcUrl}  (${n.name})`),
  ]
}
