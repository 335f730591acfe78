import { z } from '@rollup-mesh/core'
import { parseAmount, parseArgs, resolveAccount } from '../../contracts/abi.js'
import { deployArtifact } from '../../contracts/client.js'
import { compileFile, selectArtifact, writeAbiBeside } from '../../contracts/compile.js'
import { recordDeployment } from '../../mesh/deployments.js'
import { resolveTarget } from '../../mesh/rpc.js'
import { resolveDataDir } from '../../mesh/state.js'
import { globalShape, resolveOptions } from '../../options.js'
import { createOut } from '../../output.js'
import type { CliCommand } from '../types.js'

export const deploySchema = z.object({
  ...globalShape,
  file: z.string().min(1),
  network: z.string().min(1).optional(),
  rpcUrl: z.string().url().optional(),
  dataDir: z.string().optional(),
  contract: z.string().optional(),
  args: z.array(z.string()).default([]),
  from: z.string().optional(),
  value: z.string().optional(),
})
export type DeployOptions = z.output<typeof deploySchema>

/** Compiles, deploys through viem against the network's RPC, writes the ABI beside the source. */
export async function deployHandler(options: DeployOptions): Promise<number> {
  const out = createOut(options.json)
  const dataDir = resolveDataDir(options.dataDir)
  const target = await resolveTarget({ network: options.network, rpcUrl: options.rpcUrl, dataDir })
  out.progress(`Compiling ${options.file}…`)
  const artifact = selectArtifact(await compileFile(options.file), options.file, options.contract)
  const ctor = artifact.abi.find((i) => i.type === 'constructor')
  const args = parseArgs(ctor?.inputs ?? [], options.args, `The ${artifact.name} constructor`)
  const account = resolveAccount(options.from)
  out.progress(`Deploying ${artifact.name} (${artifact.vm.toUpperCase()}) to ${target.network}…`)
  const d = await deployArtifact(
    target,
    artifact,
    args,
    account,
    options.value ? parseAmount(options.value, '--value') : undefined,
  )
  const abiFile = writeAbiBeside(artifact)
  recordDeployment(dataDir, {
    network: target.network,
    address: d.address,
    name: artifact.name,
    vm: artifact.vm,
    abi: artifact.abi,
    txHash: d.txHash,
  })
  out.line(`Deployed ${artifact.name} (${artifact.vm.toUpperCase()}) on ${target.network}`)
  out.line(`  address   ${d.address}`)
  out.line(`  tx hash   ${d.txHash}`)
  out.line(`  gas used  ${d.gasUsed}`)
  out.line(`  block     ${d.blockNumber}`)
  out.line(`  from      ${d.from}`)
  out.line(`  ABI       ${abiFile}`)
  out.result({
    network: target.network,
    contract: artifact.name,
    vm: artifact.vm,
    address: d.address,
    txHash: d.txHash,
    gasUsed: d.gasUsed,
    blockNumber: d.blockNumber,
    from: d.from,
    abiFile,
  })
  return 0
}

export const deploy: CliCommand = {
  name: 'deploy',
  describe: 'Compile and deploy a contract (.sol to the EVM, .ts to WASM) on a network of the mesh.',
  examples: [
    {
      command:
        'mesh deploy --network spn1 examples/contracts/Token.sol --args "Mesh Token" MESH 1000000ether',
      description: 'the Solidity token on spn1',
    },
    {
      command: 'mesh deploy --network spn2 examples/contracts/token.ts --args "Wasm Token" WMESH 1000',
      description: 'the AssemblyScript token (WASM) on spn2',
    },
  ],
  register(cmd) {
    cmd
      .argument('<file>', 'a .sol or .ts contract')
      .option('--network <name>', 'network of the mesh (default spn1)')
      .option('--rpc-url <url>', 'use this RPC endpoint instead of the mesh state file')
      .option('--contract <name>', 'which contract of the file (default: the one named like the file)')
      .option('--args <values...>', 'constructor arguments (numbers, 1ether, addresses, JSON for arrays)')
      .option('--from <account>', 'dev account index (0-9), dev address or private key (default 0)')
      .option('--value <amount>', 'value to send (wei, or 1ether)')
      .option('-d, --data-dir <dir>', 'the mesh data dir (default .mesh)')
      .option('--json', 'print one JSON object')
      .action(async (file: string, opts: Record<string, unknown>) => {
        process.exitCode = await deployHandler(resolveOptions('deploy', deploySchema, { ...opts, file }))
      })
  },
}
