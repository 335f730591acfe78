import { parseAmount, parseArgs, resolveAccount } from '../../contracts/abi.js'
import { deployArtifact } from '../../contracts/client.js'
import { compileFile, selectArtifact, writeAbiBeside } from '../../contracts/compile.js'
import { recordDeployment } from '../../mesh/deployments.js'
import { resolveTarget, rpcRequest } from '../../mesh/rpc.js'
import { resolveDataDir } from '../../mesh/state.js'
import { createOut } from '../../output.js'
import type { DeployOptions } from './options.js'

/**
 * Compiles, deploys through viem against the network's RPC, writes the ABI beside the source and records it
 * in the data dir and on the node (`mesh_recordContractAbi`, read by the explorer).
 */
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
  // the node keeps the ABI too, for any JSON-RPC reader (the explorer decodes logs and offers functions)
  const abiRecorded = await rpcRequest(target, 'mesh_recordContractAbi', [
    { address: d.address, name: artifact.name, abi: artifact.abi, txHash: d.txHash },
  ]).then(
    () => true,
    (error: unknown) => {
      out.progress(
        `The node did not record the ABI (${(error as Error).message}); the explorer needs it pasted.`,
      )
      return false
    },
  )
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
    abiRecorded,
  })
  return 0
}
