import { EMPTY_CODE_HASH } from '@rollup-mesh/core'
import type { Address, Hash } from 'viem'
import type { Chain } from '../chain.js'
import type { StoreStatement } from '../storeExtension.js'
import { expectCount, invalidParam, paramAddress } from './params.js'
import type { RPCMethods } from './server.js'

/** Largest ABI (JSON) a node keeps for one contract. */
export const MAX_ABI_BYTES = 512 * 1024
const ITEM_TYPES = new Set(['function', 'event', 'error', 'constructor', 'fallback', 'receive'])

/** A deployment's ABI as the node keeps it (`mesh_getContractAbi`). */
export type ContractAbiRecord = {
  address: Address
  name: string
  vm: 'evm' | 'wasm'
  abi: unknown[]
  txHash: Hash | null
}

type Row = { address: string; name: string; vm: string; abi: string; tx_hash: string | null }
const recordOf = (r: Row): ContractAbiRecord => ({
  address: r.address as Address,
  name: r.name,
  vm: r.vm as 'evm' | 'wasm',
  abi: JSON.parse(r.abi) as unknown[],
  txHash: r.tx_hash as Hash | null,
})

/**
 * The ABIs of deployed contracts, kept by the node so that any JSON-RPC client (the explorer) can decode
 * their logs and offer their functions: `mesh deploy` records each deployment with
 * `mesh_recordContractAbi({ address, name, abi, txHash? })` (dev networks only, as the other state-free
 * dev writes: only a contract that exists is accepted, with an ABI of JSON items of a known `type`, at most
 * 512 KiB); `mesh_getContractAbi(address)` answers `{ address, name, vm, abi, txHash }` or null;
 * `mesh_getContractAbis()` lists them (without the ABIs). Kept in the chain store's database
 * (`contract_abis` extension), so they survive a restart.
 *
 * @example
 * ```ts
 * // viem: await client.request({ method: 'mesh_recordContractAbi', params: [{ address, name: 'Token', abi }] })
 * // await client.request({ method: 'mesh_getContractAbi', params: [address] }) // { name: 'Token', vm: 'evm', abi, … }
 * ```
 */
export function createContractAbiMethods(chain: Chain, options: { dev: boolean }): RPCMethods {
  const h = chain.store.registerExtension({
    name: 'contract_abis',
    migrations: [
      (ctx) =>
        ctx.exec(
          'CREATE TABLE contract_abis (address TEXT PRIMARY KEY, name TEXT NOT NULL, vm TEXT NOT NULL, abi TEXT NOT NULL, tx_hash TEXT)',
        ),
    ],
  })
  const put: StoreStatement = h.prepare(
    'INSERT OR REPLACE INTO contract_abis (address, name, vm, abi, tx_hash) VALUES (?, ?, ?, ?, ?)',
  )
  const get: StoreStatement = h.prepare('SELECT * FROM contract_abis WHERE address = ?')
  const list: StoreStatement = h.prepare(
    'SELECT address, name, vm, tx_hash FROM contract_abis ORDER BY rowid DESC LIMIT 1000',
  )
  const methods: RPCMethods = {
    mesh_getContractAbi: (p) => {
      expectCount(p, 1, 1)
      const row = get.get(paramAddress(p, 0)) as Row | undefined
      return row ? recordOf(row) : null
    },
    mesh_getContractAbis: (p) => {
      expectCount(p, 0, 0)
      return (list.all() as Omit<Row, 'abi'>[]).map((r) => ({
        address: r.address,
        name: r.name,
        vm: r.vm,
        txHash: r.tx_hash,
      }))
    },
  }
  if (options.dev)
    methods.mesh_recordContractAbi = (p) => {
      expectCount(p, 1, 1)
      const arg = p[0] as { address?: unknown; name?: unknown; abi?: unknown; txHash?: unknown } | null
      if (typeof arg !== 'object' || arg === null)
        throw invalidParam(0, 'an object { address, name, abi, txHash? }')
      const address = paramAddress([arg.address], 0)
      if (typeof arg.name !== 'string' || !/^[A-Za-z_$][\w$.-]{0,127}$/.test(arg.name))
        throw invalidParam(0, 'name: a contract name (letters, digits, _ $ . -; up to 128)')
      if (!Array.isArray(arg.abi) || arg.abi.length === 0)
        throw invalidParam(0, 'abi: a non-empty JSON ABI array')
      const bad = arg.abi.findIndex(
        (i) =>
          typeof i !== 'object' || i === null || !ITEM_TYPES.has((i as { type?: unknown }).type as string),
      )
      if (bad >= 0) throw invalidParam(0, `abi[${bad}]: an item whose type is ${[...ITEM_TYPES].join(' / ')}`)
      const json = JSON.stringify(arg.abi)
      if (json.length > MAX_ABI_BYTES) throw invalidParam(0, `abi: at most ${MAX_ABI_BYTES} bytes of JSON`)
      if (
        arg.txHash !== undefined &&
        (typeof arg.txHash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(arg.txHash))
      )
        throw invalidParam(0, 'txHash: a 32-byte transaction hash')
      const account = chain.state.getAccount(address)
      if (!account || account.codeHash === EMPTY_CODE_HASH)
        throw invalidParam(0, `address: a deployed contract (${address} has no code)`)
      put.run(address, arg.name, account.vm, json, (arg.txHash as string | undefined)?.toLowerCase() ?? null)
      return true
    }
  return methods
}
