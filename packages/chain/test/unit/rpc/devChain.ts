// The real executor: chain's tests may use dual-vm (chain's src never imports it).
import { createSerialExecutor, genesisWriteSet, simulateCall } from '@rollup-mesh/dual-vm'
import { type Address, type Hex, parseEther } from 'viem'
import { Chain } from '../../../src/chain.js'
import type { RPCMethods } from '../../../src/rpc/server.js'
import { ChainStore } from '../../../src/store.js'
import { CHAIN_ID, keys, signers } from '../helpers.js'

export const alice = keys[0]?.address.toLowerCase() as Address
export const bob = keys[1]?.address.toLowerCase() as Address

/** An in-memory chain whose first two dev accounts hold 100 ETH; blocks are produced by the test. */
export async function openDevChain(): Promise<Chain> {
  const store = new ChainStore({ path: ':memory:' })
  const chain = new Chain(
    { chainId: CHAIN_ID, blockGasLimit: 30_000_000n },
    { store, executor: createSerialExecutor(), simulateCall: (p) => simulateCall(p) },
  )
  const { writeSet, stateRoot } = genesisWriteSet({
    [alice]: { balance: parseEther('100') },
    [bob]: { balance: parseEther('100') },
  })
  await chain.open({ writeSet, stateRoot, timestamp: 1_700_000_000n })
  return chain
}

/** Calls one RPC method as the server would (no transport), awaiting its result. */
export async function invoke(methods: RPCMethods, method: string, params: unknown[] = []): Promise<unknown> {
  const m = methods[method]
  if (!m) throw new Error(`no method ${method}`)
  return await m(params, {})
}

/** Init code that emits LOG1(topic) with `data` (32 bytes) in its constructor and deploys nothing. */
export function logEmitter(topic: Hex, word: Hex = `0x${'00'.repeat(31)}2a`): Hex {
  // PUSH32 word PUSH1 0 MSTORE PUSH32 topic PUSH1 32 PUSH1 0 LOG1 STOP
  return `0x7f${word.slice(2)}600052 7f${topic.slice(2)}60206000a100`.replace(' ', '') as Hex
}

/** A contract creation signed by dev account `signer` (the helpers' `signTx` always has a recipient). */
export function signCreate(signer: number, nonce: number, data: Hex, gas = 200_000n): Promise<Hex> {
  const account = signers[signer]
  if (!account) throw new Error(`no signer ${signer}`)
  return account.signTransaction({
    type: 'eip1559',
    chainId: Number(CHAIN_ID),
    nonce,
    gas,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
    data,
  })
}
