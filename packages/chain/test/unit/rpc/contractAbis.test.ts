import { type Address, getContractAddress, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Chain } from '../../../src/chain.js'
import { RPCError } from '../../../src/errors.js'
import { createContractAbiMethods } from '../../../src/rpc/contractAbis.js'
import type { RPCMethods } from '../../../src/rpc/server.js'
import { keys } from '../helpers.js'
import { alice, invoke, openDevChain, signCreate } from './devChain.js'

// init code that deploys the one-byte runtime 0x00 (STOP): PUSH1 0 PUSH1 0 MSTORE8 PUSH1 1 PUSH1 0 RETURN
const INIT: Hex = '0x600060005360016000f3'
const abi = [
  { type: 'function', name: 'count', inputs: [], outputs: [{ type: 'uint256' }], stateMutability: 'view' },
  {
    type: 'event',
    name: 'Counted',
    inputs: [{ name: 'n', type: 'uint256', indexed: false }],
    anonymous: false,
  },
]

let chain: Chain
let methods: RPCMethods
let contract: Address

beforeAll(async () => {
  chain = await openDevChain()
  methods = createContractAbiMethods(chain, { dev: true })
  await chain.mempool.add(await signCreate(0, 0, INIT, 100_000n))
  await chain.produceBlock()
  contract = getContractAddress({ from: keys[0]?.address as Hex, nonce: 0n }).toLowerCase() as Address
})
afterAll(() => chain.store.close())

const refusal = async (params: unknown[]) => {
  const e = await invoke(methods, 'mesh_recordContractAbi', params).catch((err: unknown) => err)
  expect(e).toBeInstanceOf(RPCError)
  return (e as RPCError).message
}

describe('mesh_recordContractAbi / mesh_getContractAbi / mesh_getContractAbis', () => {
  it('records a deployed contract ABI and answers it by address (any case), with its VM', async () => {
    expect(await invoke(methods, 'mesh_getContractAbi', [contract])).toBeNull()
    const txHash = `0x${'ab'.repeat(32)}`
    expect(
      await invoke(methods, 'mesh_recordContractAbi', [
        { address: contract.toUpperCase().replace('0X', '0x'), name: 'Counter', abi, txHash },
      ]),
    ).toBe(true)
    expect(await invoke(methods, 'mesh_getContractAbi', [contract])).toEqual({
      address: contract,
      name: 'Counter',
      vm: 'evm',
      abi,
      txHash,
    })
    expect(await invoke(methods, 'mesh_getContractAbis')).toEqual([
      { address: contract, name: 'Counter', vm: 'evm', txHash },
    ])
  })

  it('refuses bad input, naming the field, and changes nothing', async () => {
    expect(await refusal([{ address: alice, name: 'X', abi }])).toMatch(/address: a deployed contract/)
    expect(await refusal([{ address: contract, name: 'bad name!', abi }])).toMatch(/name:/)
    expect(await refusal([{ address: contract, name: 'X', abi: [] }])).toMatch(/abi: a non-empty/)
    expect(await refusal([{ address: contract, name: 'X', abi: [{ type: 'banana' }] }])).toMatch(/abi\[0\]/)
    expect(await refusal([{ address: contract, name: 'X', abi, txHash: '0x12' }])).toMatch(/txHash/)
    expect(await refusal([{ address: '0x12', name: 'X', abi }])).toMatch(/20-byte hex address/)
    expect(await refusal(['nope'])).toMatch(/an object/)
    const huge = Array.from({ length: 6000 }, (_, i) => ({ type: 'function', name: `f${i}`.padEnd(80, 'x') }))
    expect(await refusal([{ address: contract, name: 'X', abi: huge }])).toMatch(/at most 524288 bytes/)
    expect((await invoke(methods, 'mesh_getContractAbi', [contract])) as { name: string }).toMatchObject({
      name: 'Counter',
    })
  })

  it('is kept in the chain store (a second registration reads it) and recording is dev-only', async () => {
    const prod = createContractAbiMethods(chain, { dev: false })
    expect(prod.mesh_recordContractAbi).toBeUndefined()
    expect(((await invoke(prod, 'mesh_getContractAbi', [contract])) as { name: string }).name).toBe('Counter')
  })
})
