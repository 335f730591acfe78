// The demo's cross-network part: a message with value from spn1 to spn2, followed, proven, verified.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { verifyProofBundle } from '@rollup-mesh/mainnet'
import { formatEther, type Hex, hexToString, parseEther, stringToHex } from 'viem'
import type { privateKeyToAccount } from 'viem/accounts'
import {
  callFunction,
  clientsFor,
  deployArtifact,
  formatValue,
  sendFunction,
} from '../../contracts/client.js'
import type { Artifact } from '../../contracts/compile.js'
import { MeshCliError } from '../../errors.js'
import { spnIdOfName, targetOf } from '../../mesh/spns.js'
import type { MeshState, NetworkState } from '../../mesh/state.js'
import type { Out } from '../../output.js'
import { followMessage, formatStage, type Stage } from '../bridge/follow.js'
import { waitMessagesOfTx } from '../bridge/message.js'
import { exportBundle } from '../proof/export.js'
import { printVerification } from '../proof/verify.js'
import { type DemoStep, fn } from './demo-kit.js'

/** How long the demo waits for the message to settle and be delivered. */
const CROSS_NETWORK_TIMEOUT_MS = 120_000

/**
 * The cross-network part: Messenger.sol on spn1 sends 0.1 ETH and data through the Mailbox to
 * messenger.ts (WASM) on spn2; the demo follows it (sent → settled on the main net → delivered), reads
 * `received()`/`lastData()` on spn2, then exports the message's proof bundle and verifies it offline.
 */
export async function crossNetworkDemo(ctx: {
  state: MeshState
  out: Out
  steps: DemoStep[]
  log: (s: DemoStep) => void
  skip: (network: string, what: string) => void
  alice: ReturnType<typeof privateKeyToAccount>
  solMessenger: Artifact
  wasmMessenger: Artifact
  wasmOn: (i: number) => boolean
}): Promise<void> {
  const { state, out, log, alice } = ctx
  const spns = state.networks.filter((n) => n.kind === 'spn')
  const main = state.networks.find((n) => n.kind === 'mainnet')
  if (spns.length < 2 || !main) {
    const why = !main ? 'no main net (nothing settles)' : 'only one SPN'
    out.line(`  - skipped the cross-network message: ${why}`)
    ctx.steps.push({ step: 'skipped the cross-network message', network: '-', detail: { reason: why } })
    return
  }
  const [srcNet, dstNet] = spns as [NetworkState, NetworkState]
  const src = targetOf(srcNet)
  const dst = targetOf(dstNet)
  const receiver = ctx.wasmOn(1) ? ctx.wasmMessenger : ctx.solMessenger
  const [sender, recipient] = await Promise.all([
    deployArtifact(src, ctx.solMessenger, [], alice),
    deployArtifact(dst, receiver, [], alice),
  ])
  log({
    step: `deployed Messenger (EVM) on ${src.network} and messenger (${receiver.vm.toUpperCase()}) on ${dst.network}`,
    network: `${src.network}+${dst.network}`,
    detail: { [src.network]: sender.address, [dst.network]: recipient.address },
  })
  const value = parseEther('0.1')
  const data = stringToHex(`hello from the EVM on ${src.network}`)
  const startedAt = Date.now()
  const sent = await sendFunction(
    src,
    sender.address,
    fn(ctx.solMessenger.abi, 'send'),
    [spnIdOfName(dst.network), recipient.address, data],
    alice,
    value,
  )
  const deadline = startedAt + CROSS_NETWORK_TIMEOUT_MS
  const [message] = await waitMessagesOfTx(src, sent.txHash, Math.min(deadline, Date.now() + 10_000))
  if (!message)
    throw new MeshCliError(`${src.network} does not report the message of tx ${sent.txHash}.`, {
      code: 'MESSAGE_NOT_FOUND',
    })
  out.line(
    `  ✓ ${src.network.padEnd(6)} cross-network message: Messenger.send(${dst.network}, ${recipient.address}, "hello…") with 0.1 ETH`,
  )
  const stages: Stage[] = []
  const onStage = (s: Stage) => {
    stages.push(s)
    out.line(`      ${formatStage(s, src.network)}`)
  }
  onStage({
    stage: 'sent',
    ms: Date.now() - startedAt,
    network: src.network,
    txHash: sent.txHash,
    block: sent.blockNumber,
    position: Number(message.position),
    messageIndex: message.messageIndex,
  })
  await followMessage({
    message,
    mainnet: targetOf(main),
    src,
    dst,
    startedAt,
    deadline,
    onStage,
  })
  const last = stages.at(-1) as Stage
  if (last.stage !== 'delivered')
    throw new MeshCliError(`The demo's message was not delivered on ${dst.network} (${last.stage}).`, {
      code: 'DEMO_FAILED',
    })
  const [received, lastData] = await Promise.all([
    callFunction(dst, recipient.address, fn(receiver.abi, 'received'), []),
    callFunction(dst, recipient.address, fn(receiver.abi, 'lastData'), []),
  ])
  ctx.steps.push({
    step: 'cross-network message delivered',
    network: dst.network,
    detail: Object.fromEntries(stages.map((s) => [s.stage, `${s.ms} ms`])),
  })
  out.line(
    `      received() = ${formatValue(received.decoded)}, lastData() = "${hexToString(lastData.decoded as Hex)}", balance ${formatEther(await clientsFor(dst).publicClient.getBalance({ address: recipient.address }))} ETH`,
  )
  const { bundle } = await exportBundle({
    state,
    src,
    position: Number(message.position),
    batch: message.batch,
  })
  const file = join(state.dataDir, 'demo-bundle.json')
  writeFileSync(file, `${JSON.stringify(bundle, null, 2)}\n`)
  const started = performance.now()
  const verified = await verifyProofBundle(JSON.parse(readFileSync(file, 'utf8')))
  const ms = performance.now() - started
  out.line(
    `  ${verified.ok ? '✓' : '✗'} proof  bundle of ${src.network}:${message.position} → ${file}, verified offline:`,
  )
  printVerification(out, verified, bundle.validator, ms, '      ', bundle.commit?.validatorsHash)
  ctx.steps.push({
    step: 'proof bundle exported and verified',
    network: src.network,
    detail: { file, ok: String(verified.ok), ms: ms.toFixed(0) },
  })
  if (!verified.ok)
    throw new MeshCliError(`The demo's proof bundle failed the ${verified.failed} check.`, {
      code: 'DEMO_FAILED',
    })
  out.line('')
  out.line(`Try: mesh bridge --from ${src.network} --to ${dst.network} --value 1ether`)
  out.line(`     mesh proof verify ${file}`)
}
