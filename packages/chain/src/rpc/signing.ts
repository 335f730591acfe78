import { type Address, type Hex, type PrivateKeyAccount, BaseError as ViemBaseError } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { Chain } from '../chain.js'
import { RPCError, RPCErrorCode } from '../errors.js'
import { minBig } from '../fees.js'
import { createBlockStateResolver } from './blockState.js'
import { estimateCallGas } from './callGas.js'
import { expectCount, paramAddress, paramCall, paramHex } from './params.js'
import type { RPCMethods } from './server.js'
import { paramTypedData } from './typedData.js'

export type SigningMethodsOptions = {
  /** The keys the node signs with (anvil's dev accounts); the methods refuse any other address. */
  devKeys: readonly Hex[]
  /** Priority fee of a transaction that names none (`eth_signTransaction`). Default 1 gwei. */
  priorityFee?: bigint
  /** Gas cap of the estimate for a transaction without `gas`. Default min(block gas limit, 2^24). */
  callGasCap?: bigint
}

/** viem's complaint about a value (a bad address, bytes of the wrong size) as invalid params. */
async function asInvalidParams<T>(i: number, f: () => Promise<T>): Promise<T> {
  try {
    return await f()
  } catch (err) {
    if (err instanceof ViemBaseError)
      throw new RPCError(RPCErrorCode.invalidParams, `invalid argument ${i}: ${err.shortMessage}`, {
        code: 'INVALID_TYPED_DATA',
      })
    throw err
  }
}

/**
 * Signing with the node's dev accounts, as anvil does (registered only on dev networks):
 * `eth_sign(address, data)` and `personal_sign(data, address)` (EIP-191 over the bytes),
 * `eth_signTypedData_v4(address, typedData)` (EIP-712; the typed data as an object or JSON string), and
 * `eth_signTransaction(tx)` (the raw signed transaction, nonce, gas and fees filled as
 * `eth_sendTransaction` fills them, not sent). Any other address is refused with -32602.
 *
 * @example
 * ```ts
 * import { createRPCServer, createSigningMethods } from '@rollup-mesh/chain'
 * import { devAccounts } from '@rollup-mesh/core'
 *
 * const server = createRPCServer({ ...createSigningMethods(chain, { devKeys: devAccounts(10).map((a) => a.privateKey) }) })
 * await server.start()
 * // ethers v6: await (await provider.getSigner(0)).signMessage('hello')
 * ```
 */
export function createSigningMethods(chain: Chain, options: SigningMethodsOptions): RPCMethods {
  const priorityFee = options.priorityFee ?? 1_000_000_000n
  const callGasCap = options.callGasCap ?? minBig(chain.blockGasLimit, 1n << 24n)
  const stateAt = createBlockStateResolver(chain)
  const accounts = new Map<Address, PrivateKeyAccount>()
  for (const key of options.devKeys) {
    const account = privateKeyToAccount(key)
    accounts.set(account.address.toLowerCase() as Address, account)
  }
  const signer = (params: readonly unknown[], i: number): PrivateKeyAccount => {
    const address = paramAddress(params, i)
    const account = accounts.get(address)
    if (!account)
      throw new RPCError(
        RPCErrorCode.invalidParams,
        `invalid argument ${i}: no key for ${address}; this node signs for its dev accounts only (eth_accounts)`,
        { code: 'UNKNOWN_ACCOUNT' },
      )
    return account
  }

  return {
    eth_sign: (p) => {
      expectCount(p, 2, 2)
      const account = signer(p, 0)
      return account.signMessage({ message: { raw: paramHex(p, 1) } })
    },
    personal_sign: (p) => {
      expectCount(p, 2, 3) // geth's third argument is a passphrase, unused for dev accounts
      const data = paramHex(p, 0)
      return signer(p, 1).signMessage({ message: { raw: data } })
    },
    eth_signTypedData_v4: (p) => {
      expectCount(p, 2, 2)
      const account = signer(p, 0)
      const typed = paramTypedData(p, 1)
      return asInvalidParams(1, () => account.signTypedData(typed))
    },
    eth_signTransaction: async (p) => {
      expectCount(p, 1, 1)
      const call = paramCall(p, 0)
      if (!call.from)
        throw new RPCError(RPCErrorCode.invalidParams, 'invalid argument 0: field "from" is required')
      const account = signer([call.from], 0)
      const gas = call.gas ?? (await estimateCallGas(chain, stateAt({ tag: 'pending' }, 0), call, callGasCap))
      const base = {
        chainId: Number(chain.chainId),
        nonce: Number(call.nonce ?? chain.mempool.pendingNonce(call.from)),
        gas,
        value: call.value ?? 0n,
        data: call.data ?? '0x',
        ...(call.to ? { to: call.to } : {}),
      }
      const tip = call.maxPriorityFeePerGas ?? priorityFee
      return call.gasPrice !== undefined
        ? account.signTransaction({ ...base, type: 'legacy', gasPrice: call.gasPrice })
        : account.signTransaction({
            ...base,
            type: 'eip1559',
            maxPriorityFeePerGas: tip,
            maxFeePerGas: call.maxFeePerGas ?? chain.nextBaseFee() * 2n + tip,
          })
    },
  }
}
