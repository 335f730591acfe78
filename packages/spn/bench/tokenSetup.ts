/**
 * User mode's setup, not measured: deploy the token from the first dev account and give every sender ether
 * and tokens, then wait until all of it is in a block.
 */
import { devAccounts } from '@rollup-mesh/core'
import {
  type Address,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  keccak256,
  type TransactionSerializableEIP1559,
} from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import { one, postAll, waitReceipt } from './jsonRpc.js'
import { signTx } from './signTx.js'
import type { Target } from './target.js'
import { UserModeError } from './userModeError.js'
import type { UserToken } from './userToken.js'

/** Fees of every benchmark transaction: far above either node's base fee, so none waits on price. */
export const BENCH_FEES = { maxFeePerGas: 100n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n } as const
/** Ether (wei) and tokens each sender gets: enough for 10^4 transfers each at BENCH_FEES. */
export const SENDER_ETHER = 10n ** 19n
export const SENDER_TOKENS = 10n ** 24n

/** Signs an EIP-1559 transaction on `t`'s chain with the benchmark's fees. */
export const benchTx = (
  t: Target,
  nonce: number,
  key: Hex,
  rest: Partial<TransactionSerializableEIP1559> & { gas: bigint },
): Hex => signTx({ type: 'eip1559', chainId: t.chainId, nonce, ...BENCH_FEES, ...rest }, key)

/**
 * Deploys `token` on `t` and funds each of `keys` with SENDER_ETHER and SENDER_TOKENS; returns the token's
 * address once the last funding transaction has a receipt. A deployment or funding transfer that reverts
 * throws (a WASM token given too little gas would otherwise leave every later transfer failing).
 */
export async function deployAndFund(t: Target, token: UserToken, keys: readonly Hex[]): Promise<Address> {
  const deployer = devAccounts(1)[0]!
  let nonce = Number(await one(t.url, 'eth_getTransactionCount', [deployer.address, 'pending']))
  const deploy = benchTx(t, nonce++, deployer.privateKey, {
    gas: token.deployGas,
    data: encodeDeployData({ abi: token.abi, bytecode: token.bytecode, args: ['Bench', 'BEN', 10n ** 30n] }),
  })
  await postAll(t.url, [deploy], 1, `deploy ${token.label}`)
  const deployed = await waitReceipt(t.url, keccak256(deploy))
  if (deployed.status !== '0x1' || !deployed.contractAddress)
    throw new UserModeError(
      `Deploying ${token.label} on ${t.name} failed (receipt status ${deployed.status}).`,
      [
        `- It used ${BigInt(deployed.gasUsed)} of ${token.deployGas} gas: raise deployGas in userToken.ts if that is all of it.`,
      ],
    )
  const address = deployed.contractAddress as Address
  const fundGas = token.transferGas > 100_000n ? token.transferGas : 100_000n
  const funding: Hex[] = []
  for (const k of keys) {
    const to = privateKeyToAddress(k)
    funding.push(benchTx(t, nonce++, deployer.privateKey, { gas: 21_000n, to, value: SENDER_ETHER }))
    funding.push(
      benchTx(t, nonce++, deployer.privateKey, {
        gas: fundGas,
        to: address,
        data: encodeFunctionData({ abi: token.abi, functionName: 'transfer', args: [to, SENDER_TOKENS] }),
      }),
    )
  }
  await postAll(t.url, funding, 100, 'funding')
  const last = await waitReceipt(t.url, keccak256(funding[funding.length - 1]!))
  if (last.status !== '0x1')
    throw new UserModeError(`Funding the senders with ${token.label} on ${t.name} reverted.`, [
      `- The last funding transfer used ${BigInt(last.gasUsed)} of ${fundGas} gas.`,
    ])
  return address
}
