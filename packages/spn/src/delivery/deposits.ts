import { type Chain, depositTx, type SignedTx } from '@rollup-mesh/chain'
import { keccak256, SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import {
  decodeFunctionResult,
  encodeAbiParameters,
  encodeFunctionData,
  type Hash,
  type Hex,
  numberToHex,
} from 'viem'
import { spnMailboxAbi } from '../settlement/mailbox.generated.js'
import { MailboxCallError } from './errors.js'
import { type Inbox, inboxRowMessage } from './inbox.js'

/** A deposit of the block being sealed that delivery follows up on (`reconcile`). */
export type PendingDeposit = { kind: 'import' } | { kind: 'deliver'; src: number; position: number }

export type DeliveryDepositsOptions = {
  chain: Chain
  inbox: Inbox
  /** Most deliveries per block. */
  maxPerBlock: number
  /** Gas of one delivery deposit. */
  deliveryGas: bigint
}

/** A view call of the SPN Mailbox on the chain's head state. */
async function callMailbox(chain: Chain, data: Hex): Promise<Hex> {
  const sim = chain.simulateCall
  if (!sim)
    throw new MailboxCallError('The chain has no call simulator: the Mailbox cannot be read.', [
      '- Expected a `simulateCall` in the chain components (the SPN node passes dual-vm’s).',
    ])
  const r = await sim({
    header: chain.callContext(),
    state: chain.state,
    to: SYSTEM_ADDRESSES.spn.mailbox,
    data,
    gas: 1_000_000n,
  })
  if (!r.success)
    throw new MailboxCallError(`Mailbox view call reverted: ${r.returnData}.`, [
      '- Expected the genesis Mailbox at the system address to answer its view functions.',
    ])
  return r.returnData
}

async function readMailbox<F extends 'finalizedRoot' | 'deliveryStatus'>(
  chain: Chain,
  functionName: F,
  args: readonly [bigint, Hash] | readonly [bigint, bigint],
): Promise<bigint> {
  const data = encodeFunctionData({ abi: spnMailboxAbi, functionName, args } as never)
  return BigInt(
    decodeFunctionResult({
      abi: spnMailboxAbi,
      functionName,
      data: await callMailbox(chain, data),
    } as never) as bigint | number,
  )
}

/** A system deposit to the Mailbox; its source hash is unique per (tag, block, parts). */
function mailboxDeposit(
  chainId: bigint,
  tag: string,
  block: bigint,
  data: Hex,
  mint: bigint,
  gas: bigint,
  parts: readonly bigint[],
): SignedTx {
  return depositTx({
    sourceHash: keccak256(
      encodeAbiParameters(
        [{ type: 'string' }, { type: 'uint256' }, { type: 'uint256[]' }],
        [`rollup-mesh/${tag}`, block, [...parts]],
      ),
    ),
    from: SYSTEM_ADDRESSES.spn.system,
    to: SYSTEM_ADDRESSES.spn.mailbox,
    mint,
    value: mint,
    gas,
    data,
    chainId,
  })
}

/**
 * The block-start hook's work: for the queued messages, the deposits that import their finalized roots
 * (`Mailbox.importExitRoot`, once per root the Mailbox lacks) and deliver them (`Mailbox.deliver` with the
 * inclusion proof; the Mailbox checks it through the exit-proof precompile and its nullifier). A message
 * the Mailbox already handled before a crash lost our bookkeeping is recorded from its nullifier instead.
 * Returns the deposits and what each one was, by hash.
 */
export async function buildDeliveryDeposits(
  opts: DeliveryDepositsOptions,
  block: bigint,
): Promise<{ txs: SignedTx[]; pending: Map<Hash, PendingDeposit> }> {
  const { chain, inbox } = opts
  const pending = new Map<Hash, PendingDeposit>()
  const txs: SignedTx[] = []
  const rows = inbox.queued(opts.maxPerBlock)
  if (!rows.length) return { txs, pending }
  const imported = new Set<string>()
  for (const row of rows) {
    const src = BigInt(row.src)
    const position = BigInt(row.position)
    const onChain = await readMailbox(chain, 'deliveryStatus', [src, position])
    if (onChain !== 0n && row.attempts === 0) {
      // delivered before a crash lost our bookkeeping
      inbox.setStatus(
        row.src,
        row.position,
        onChain === 2n ? 'failed' : 'delivered',
        row.tx_hash,
        row.block,
        null,
      )
      continue
    }
    const key = `${row.src}:${row.root}`
    if (!imported.has(key)) {
      imported.add(key)
      if ((await readMailbox(chain, 'finalizedRoot', [src, row.root as Hash])) === 0n) {
        const tx = mailboxDeposit(
          chain.chainId,
          'import',
          block,
          encodeFunctionData({
            abi: spnMailboxAbi,
            functionName: 'importExitRoot',
            args: [src, row.root as Hash, BigInt(row.settlement_index)],
          }),
          0n,
          100_000n,
          [src, BigInt(row.root)],
        )
        pending.set(tx.hash, { kind: 'import' })
        txs.push(tx)
      }
    }
    const m = inboxRowMessage(row)
    const siblings = (JSON.parse(row.siblings) as string[]).map((s) => numberToHex(BigInt(s), { size: 32 }))
    const value = BigInt(m.value)
    const tx = mailboxDeposit(
      chain.chainId,
      'deliver',
      block,
      encodeFunctionData({
        abi: spnMailboxAbi,
        functionName: 'deliver',
        args: [
          { srcSpn: src, position, sender: m.sender, to: m.to, value, data: m.data },
          row.root as Hash,
          siblings as never,
        ],
      }),
      value,
      opts.deliveryGas,
      [src, position],
    )
    pending.set(tx.hash, { kind: 'deliver', src: row.src, position: row.position })
    txs.push(tx)
  }
  return { txs, pending }
}
