import { devAccounts } from '@rollup-mesh/core'
import type { Address, Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  type BlockHeader,
  EMPTY_BLOOM,
  hashHeader,
  receiptsRootOf,
  transactionsRootOf,
} from '../../src/block.js'
import { ChainStore } from '../../src/store.js'

export const CHAIN_ID = 31_337n
export const EMPTY_CODE_HASH: Hex = '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'
export const keys = devAccounts(4)
export const signers = keys.map((k) => privateKeyToAccount(k.privateKey))

export function header(n: bigint, parentHash: Hex): BlockHeader {
  return {
    parentHash,
    number: n,
    timestamp: 1_700_000_000n + n,
    coinbase: '0x0000000000000000000000000000000000000000',
    stateRoot: `0x${'11'.repeat(32)}`,
    transactionsRoot: transactionsRootOf([]),
    receiptsRoot: receiptsRootOf([]),
    logsBloom: EMPTY_BLOOM,
    gasUsed: 0n,
    gasLimit: 30_000_000n,
    baseFeePerGas: 1_000_000_000n,
    exitRoot: `0x${'00'.repeat(32)}`,
    extraData: '0x',
  }
}

/** A store with a genesis block funding the first `funded` dev accounts with `balance` wei. */
export function storeWithGenesis(path = ':memory:', balance = 10n ** 21n, funded = 2): ChainStore {
  const store = new ChainStore({ path })
  const h = header(0n, `0x${'00'.repeat(32)}`)
  const accounts = new Map<Address, { nonce: bigint; balance: bigint; codeHash: Hex; vm: 'evm' } | null>()
  for (const k of keys.slice(0, funded))
    accounts.set(k.address.toLowerCase() as Address, {
      nonce: 0n,
      balance,
      codeHash: EMPTY_CODE_HASH,
      vm: 'evm',
    })
  store.commitBlock({
    header: h,
    hash: hashHeader(h),
    txs: [],
    receipts: [],
    writeSet: { accounts, storage: new Map(), code: new Map() },
    mempoolRemovals: [],
  })
  return store
}

type TxOpts = {
  nonce?: number
  to?: Address
  value?: bigint
  gas?: bigint
  maxFeePerGas?: bigint
  maxPriorityFeePerGas?: bigint
  chainId?: number
  data?: Hex
}

export function signTx(signer = 0, o: TxOpts = {}): Promise<Hex> {
  const acct = signers[signer]
  if (!acct) throw new Error('no signer')
  return acct.signTransaction({
    type: 'eip1559',
    chainId: o.chainId ?? Number(CHAIN_ID),
    nonce: o.nonce ?? 0,
    to: o.to ?? '0x000000000000000000000000000000000000dEaD',
    value: o.value ?? 1n,
    gas: o.gas ?? 21_000n,
    maxFeePerGas: o.maxFeePerGas ?? 2_000_000_000n,
    maxPriorityFeePerGas: o.maxPriorityFeePerGas ?? 1_000_000_000n,
    ...(o.data ? { data: o.data } : {}),
  })
}
