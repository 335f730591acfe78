import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { devAccounts } from '@rollup-mesh/core'
import { verifyProofBundle } from '@rollup-mesh/mainnet'
import {
  type AbiFunction,
  formatEther,
  getAddress,
  type Hex,
  hexToString,
  parseEther,
  stringToHex,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import {
  callFunction,
  clientsFor,
  deployArtifact,
  formatValue,
  sendFunction,
} from '../../contracts/client.js'
import { type Artifact, compileFile, selectArtifact } from '../../contracts/compile.js'
import { MeshCliError } from '../../errors.js'
import type { RPCTarget } from '../../mesh/rpc.js'
import { spnIdOfName, targetOf } from '../../mesh/spns.js'
import type { MeshState, NetworkState } from '../../mesh/state.js'
import type { Out } from '../../output.js'
import { followMessage, formatStage, type Stage } from '../bridge/follow.js'
import { waitMessagesOfTx } from '../bridge/message.js'
import { exportBundle } from '../proof/export.js'
import { printVerification } from '../proof/verify.js'

/** examples/contracts of this repository (the same from src/ and dist/). */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../../../../examples/contracts/', import.meta.url))

const fn = (abi: readonly unknown[], name: string) =>
  (abi as AbiFunction[]).find((i) => i.type === 'function' && i.name === name)!

export type DemoStep = { step: string; network: string; detail: Record<string, string> }

/**
 * The `npm start` demo: the Solidity token on the first SPN, the
 * AssemblyScript token on the second, a transfer on each, then an EVM
 * contract calling a WASM counter on the second (a cross-VM call), then a
 * cross-network message with value from an EVM contract on the first SPN to a
 * WASM contract on the second, followed to delivery, with its proof bundle
 * exported and verified offline.
 */
export async function runDemo(state: MeshState, out: Out): Promise<DemoStep[]> {
  const spns = state.networks.filter((n) => n.kind === 'spn')
  if (spns.length === 0)
    throw new MeshCliError('The demo needs at least one SPN.', {
      code: 'DEMO_NEEDS_SPN',
      metaMessages: ['- Run `mesh up --demo` with --spns 1 or more.'],
    })
  const target = (i: number): RPCTarget => {
    const n = spns[Math.min(i, spns.length - 1)]!
    return { network: n.name, rpcUrl: n.rpcUrl, wsUrl: n.wsUrl, chainId: n.chainId }
  }
  const [alice, bob] = devAccounts(2).map((a) => privateKeyToAccount(a.privateKey)) as [
    ReturnType<typeof privateKeyToAccount>,
    ReturnType<typeof privateKeyToAccount>,
  ]
  const steps: DemoStep[] = []
  const log = (s: DemoStep) => {
    steps.push(s)
    out.line(`  ✓ ${s.network.padEnd(6)} ${s.step}`)
    for (const [k, v] of Object.entries(s.detail)) out.line(`      ${k.padEnd(9)} ${v}`)
  }
  out.line('\nDemo')
  out.line('==================')
  out.progress('  compiling examples/contracts (solc, asc)…')
  const [solToken, wasmToken, wasmCounter, caller, solMessenger, wasmMessenger] = await Promise.all([
    compileFile(`${EXAMPLES_DIR}Token.sol`).then((a) => selectArtifact(a, 'Token.sol')),
    compileFile(`${EXAMPLES_DIR}token.ts`).then((a) => selectArtifact(a, 'token.ts')),
    compileFile(`${EXAMPLES_DIR}counter.ts`).then((a) => selectArtifact(a, 'counter.ts')),
    compileFile(`${EXAMPLES_DIR}CrossVmCaller.sol`).then((a) => selectArtifact(a, 'CrossVmCaller.sol')),
    compileFile(`${EXAMPLES_DIR}Messenger.sol`).then((a) => selectArtifact(a, 'Messenger.sol')),
    compileFile(`${EXAMPLES_DIR}messenger.ts`).then((a) => selectArtifact(a, 'messenger.ts')),
  ])
  const supply = 1_000_000n * 10n ** 18n
  const wasmOn = (i: number) => spns[Math.min(i, spns.length - 1)]!.vms.includes('wasm')
  const skip = (network: string, what: string) => {
    out.line(`  - ${network.padEnd(6)} skipped ${what}: this SPN reports no WASM engine (mesh_nodeInfo.vms)`)
    steps.push({ step: `skipped ${what}`, network, detail: { reason: 'no WASM engine' } })
  }
  for (const [i, artifact, symbol] of [
    [0, solToken, 'MESH'],
    [1, wasmToken, 'WMESH'],
  ] as const) {
    const t = target(i)
    if (artifact.vm === 'wasm' && !wasmOn(i)) {
      skip(t.network, 'the AssemblyScript token')
      continue
    }
    const d = await deployArtifact(
      t,
      artifact,
      [`Mesh ${artifact.vm.toUpperCase()} Token`, symbol, supply],
      alice,
    )
    log({
      step: `deployed ${artifact.name} (${artifact.vm.toUpperCase()}) from ${artifact.vm === 'evm' ? 'Token.sol' : 'token.ts'}`,
      network: t.network,
      detail: { address: d.address, tx: d.txHash, gas: d.gasUsed.toString() },
    })
    const tx = await sendFunction(
      t,
      d.address,
      fn(artifact.abi, 'transfer'),
      [bob.address, 10n ** 18n],
      alice,
    )
    const balance = await callFunction(t, d.address, fn(artifact.abi, 'balanceOf'), [bob.address])
    log({
      step: `transfer 1 ${symbol} to ${bob.address}`,
      network: t.network,
      detail: {
        tx: tx.txHash,
        gas: tx.gasUsed.toString(),
        balance: `${formatEther(balance.decoded as bigint)} ${symbol}`,
      },
    })
  }
  const t = target(1)
  if (wasmOn(1)) {
    const counter = await deployArtifact(t, wasmCounter, [], alice)
    const evmCaller = await deployArtifact(t, caller, [], alice)
    log({
      step: 'deployed counter (WASM) and CrossVmCaller (EVM)',
      network: t.network,
      detail: { counter: counter.address, caller: evmCaller.address },
    })
    const add = await sendFunction(
      t,
      evmCaller.address,
      fn(caller.abi, 'addOn'),
      [counter.address, 41n],
      alice,
    )
    const inc = await sendFunction(
      t,
      evmCaller.address,
      fn(caller.abi, 'incrementOn'),
      [counter.address],
      alice,
    )
    const count = await callFunction(t, evmCaller.address, fn(caller.abi, 'readCount'), [counter.address])
    log({
      step: 'cross-VM call: EVM CrossVmCaller → WASM counter (addOn 41, incrementOn)',
      network: t.network,
      detail: {
        tx: `${add.txHash} (gas ${add.gasUsed})`,
        tx2: `${inc.txHash} (gas ${inc.gasUsed})`,
        count: `${formatValue(count.decoded)} (read through the EVM contract)`,
      },
    })
    out.line('')
    out.line(`Try: mesh call --network ${t.network} ${getAddress(counter.address)} "count()(uint256)"`)
  } else skip(t.network, 'the cross-VM call')
  await crossNetworkDemo({ state, out, steps, log, skip, alice, solMessenger, wasmMessenger, wasmOn })
  out.result({ event: 'demo', steps })
  return steps
}

/** How long the demo waits for the message to settle and be delivered. */
const CROSS_NETWORK_TIMEOUT_MS = 120_000

/**
 * The cross-network part: Messenger.sol on spn1 sends 0.1 ETH and data through the Mailbox to
 * messenger.ts (WASM) on spn2; the demo follows it (sent → settled on the main net → delivered), reads
 * `received()`/`lastData()` on spn2, then exports the message's proof bundle and verifies it offline.
 */
async function crossNetworkDemo(ctx: {
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
  printVerification(out, verified, bundle.validator, ms, '      ')
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
