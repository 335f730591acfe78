/**
 * Sends value (and optional data) from one SPN to another through the SPN Mailbox with viem, then waits
 * until the destination SPN has delivered it (its settlement accepted on the main net, the message
 * executed at the start of a destination block).
 *
 *   npx tsx --conditions source examples/scripts/bridge.ts <to> <amount-eth> [--network spn1] [--dst spn2] [--data 0x…]
 */
import { type Address, formatEther, type Hex, parseAbi, parseEther, parseEventLogs } from 'viem'
import { cliArgs, connect, meshRequest } from './mesh.js'

const MAILBOX: Address = '0x0000000000000000000000000000000000002001'
const mailboxAbi = parseAbi([
  'function sendMessage(uint64 dstSpn, address to, bytes data) payable returns (uint64)',
  'event MessageSent(uint64 indexed index, uint64 srcSpn, uint64 indexed dstSpn, address indexed sender, address to, uint256 value, bytes data)',
])

const { values, positionals } = cliArgs()
const [to, amount = '1'] = positionals as [Address, string]
if (!to) throw new Error('usage: bridge.ts <to> <amount-eth> [--network spn1] [--dst spn2] [--data 0x…]')
const dstId = BigInt(/(\d+)$/.exec(values.dst)?.[1] ?? '0')
if (dstId === 0n) throw new Error(`--dst must name an SPN (spn1, spn2, …), not "${values.dst}"`)
const src = await connect(values.network)
const dst = await connect(values.dst)

const before = await dst.publicClient.getBalance({ address: to })
const started = Date.now()
const hash = await src.walletClient.writeContract({
  address: MAILBOX,
  abi: mailboxAbi,
  functionName: 'sendMessage',
  args: [dstId, to, values.data as Hex],
  value: parseEther(amount),
})
const receipt = await src.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 100 })
const [sent] = parseEventLogs({ abi: mailboxAbi, eventName: 'MessageSent', logs: receipt.logs })
// the message's place in the source's exit tree: what the destination's nullifier and inbox use
const [message] = await meshRequest<{ position: number; srcSpn: Hex }[]>(
  src.publicClient,
  'mesh_getMessagesByTx',
  [hash],
)
if (!sent || !message) throw new Error(`no MessageSent in ${hash}`)
console.log(
  `sent ${amount} ETH ${values.network} → ${values.dst} ${to}: tx ${hash}, exit position ${message.position}`,
)

type Entry = { srcSpn: Hex; position: Hex; status: string; transactionHash: Hex | null; error: string | null }
for (;;) {
  const inbox = await meshRequest<Entry[]>(dst.publicClient, 'mesh_getInbox')
  const entry = inbox.find(
    (e) => e.srcSpn === message.srcSpn && Number(BigInt(e.position)) === message.position,
  )
  if (entry && entry.status !== 'queued') {
    const after = await dst.publicClient.getBalance({ address: to })
    console.log(
      `${entry.status} on ${values.dst} after ${((Date.now() - started) / 1000).toFixed(1)} s: tx ${entry.transactionHash}; balance ${formatEther(before)} → ${formatEther(after)}`,
    )
    console.log(
      JSON.stringify({
        txHash: hash,
        position: message.position,
        status: entry.status,
        deliveryTx: entry.transactionHash,
        received: (after - before).toString(),
      }),
    )
    process.exit(entry.status === 'delivered' ? 0 : 1)
  }
  if (Date.now() - started > 120_000) throw new Error('not delivered in 120 s')
  await new Promise((r) => setTimeout(r, 200))
}
