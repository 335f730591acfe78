import { type Address, encodeFunctionData, type Hex, isAddress, isHex } from 'viem'
import { parseAmount, resolveAccount } from '../../contracts/abi.js'
import { sendAndWait } from '../../contracts/client.js'
import { MeshCliError } from '../../errors.js'
import { spnOf, targetOf } from '../../mesh/spns.js'
import { requireState, resolveDataDir } from '../../mesh/state.js'
import { createOut } from '../../output.js'
import { followMessage, formatStage, type Stage } from './follow.js'
import { mailboxAbi, SPN_MAILBOX } from './mailbox.js'
import { waitMessagesOfTx } from './message.js'
import type { BridgeOptions } from './options.js'

/** `--value`: wei, or an amount with a unit (1ether, 0.5eth, 100gwei). */
export function parseBridgeValue(value: string): bigint {
  const m = /^\s*\d+\.(\d+)\s*(ether|eth|gwei|wei)?\s*$/i.exec(value)
  const unit = (m?.[2] ?? 'wei').toLowerCase()
  const decimals = unit === 'wei' ? 0 : unit === 'gwei' ? 9 : 18
  // parseUnits would round 0.0000000001gwei to 0: more decimals than the unit has is an error.
  if (m && (m[1] as string).replace(/0+$/, '').length > decimals)
    throw new MeshCliError(`--value "${value}" has more decimals than ${unit} allows (${decimals}).`, {
      code: 'BAD_AMOUNT',
      metaMessages: ['- Use a smaller unit: 1ether = 1e9 gwei = 1e18 wei.'],
    })
  return parseAmount(value, '--value')
}

/**
 * `mesh bridge`: `Mailbox.sendMessage(dstSpn, to, data)` with value on the source SPN, then (unless
 * --no-wait) follows the message: settled on the main net, delivered by the destination. Exit 0 only once
 * it is delivered; a recipient that reverts (status failed) is exit 1 with its reason.
 */
export async function bridgeHandler(options: BridgeOptions): Promise<number> {
  const out = createOut(options.json)
  const value = parseBridgeValue(options.value)
  if (!isHex(options.data) || options.data.length % 2 !== 0)
    throw new MeshCliError(`--data "${options.data}" is not hex bytes.`, {
      code: 'INVALID_OPTION',
      metaMessages: ['- Expected 0x followed by an even number of hex digits, e.g. 0xc0ffee.'],
    })
  if (options.toAddress !== undefined && !isAddress(options.toAddress))
    throw new MeshCliError(`--to-address "${options.toAddress}" is not an address.`, {
      code: 'INVALID_OPTION',
      metaMessages: ['- Expected 0x + 40 hex characters.'],
    })
  const state = requireState(resolveDataDir(options.dataDir))
  const src = spnOf(state, options.from, '--from')
  const dst = spnOf(state, options.to, '--to')
  if (src.id === dst.id)
    throw new MeshCliError(`--from and --to are both ${options.to}: a message goes to another SPN.`, {
      code: 'INVALID_OPTION',
    })
  const main = state.networks.find((n) => n.kind === 'mainnet')
  if (!main && options.wait)
    throw new MeshCliError('This mesh has no main net: nothing settles, so nothing is delivered.', {
      code: 'NO_MAINNET',
      metaMessages: ['- Start the mesh with the main net (`mesh up`, without --no-mainnet).'],
    })
  const account = resolveAccount(options.fromAccount)
  const to = (options.toAddress ?? account.address) as Address
  const srcTarget = targetOf(src.net)
  const data = encodeFunctionData({
    abi: mailboxAbi,
    functionName: 'sendMessage',
    args: [dst.id, to, options.data as Hex],
  })
  const what = `Mailbox.sendMessage on ${src.net.name}`
  const startedAt = Date.now()
  const sent = await sendAndWait(srcTarget, account, { to: SPN_MAILBOX, data, value }, what)
  const hash = sent.txHash
  if (sent.status !== 'success')
    throw new MeshCliError(`${what} reverted in block ${sent.blockNumber} (tx ${hash}).`, {
      code: 'BRIDGE_REVERTED',
    })
  const deadline = startedAt + options.timeout * 1000
  const [message] = await waitMessagesOfTx(srcTarget, hash, Math.min(deadline, Date.now() + 10_000))
  if (!message)
    throw new MeshCliError(
      `${src.net.name} does not report the message of tx ${hash} (mesh_getMessagesByTx).`,
      {
        code: 'MESSAGE_NOT_FOUND',
        metaMessages: ['- Does this SPN have a numeric id and an exit tree? See `mesh logs spn1`.'],
      },
    )
  const stages: Stage[] = []
  const onStage = (s: Stage) => {
    stages.push(s)
    out.line(formatStage(s, src.net.name))
  }
  onStage({
    stage: 'sent',
    ms: Date.now() - startedAt,
    network: src.net.name,
    txHash: hash,
    block: sent.blockNumber,
    position: Number(message.position),
    messageIndex: message.messageIndex,
  })
  const result = {
    from: src.net.name,
    to: dst.net.name,
    srcSpn: src.id,
    dstSpn: dst.id,
    txHash: hash,
    block: sent.blockNumber,
    position: Number(message.position),
    messageIndex: message.messageIndex,
    sender: account.address,
    recipient: to,
    value,
    data: options.data,
  }
  if (!options.wait) {
    out.line(`  follow it: mesh proof export ${hash} --network ${src.net.name} (once settled)`)
    out.result({ ...result, status: 'sent', stages })
    return 0
  }
  await followMessage({
    message,
    mainnet: targetOf(main!),
    src: srcTarget,
    dst: targetOf(dst.net),
    startedAt,
    deadline,
    onStage,
  })
  const last = stages.at(-1)!
  out.result({ ...result, status: last.stage, stages })
  if (last.stage !== 'delivered') {
    out.line(
      `  the recipient reverted: the message is marked ${last.stage} on ${dst.net.name}; anyone can retry it there (Mailbox.retryMessage).`,
    )
    return 1
  }
  return 0
}
