// The `mesh up --demo` run: the example tokens on both VMs, a cross-VM call, then the cross-network part.
import { devAccounts } from '@rollup-mesh/core'
import { formatEther, getAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { callFunction, deployArtifact, formatValue, sendFunction } from '../../contracts/client.js'
import { compileFile, selectArtifact } from '../../contracts/compile.js'
import { MeshCliError } from '../../errors.js'
import type { RPCTarget } from '../../mesh/rpc.js'
import type { MeshState } from '../../mesh/state.js'
import type { Out } from '../../output.js'
import { type DemoStep, EXAMPLES_DIR, fn } from './demo-kit.js'
import { crossNetworkDemo } from './demo-message.js'

export { type DemoStep, EXAMPLES_DIR }

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
