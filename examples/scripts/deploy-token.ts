/**
 * Compiles examples/contracts/Token.sol and deploys it with viem on a mesh
 * network; prints the address (the last line is JSON for scripts).
 *
 *   npx tsx --conditions source examples/scripts/deploy-token.ts [--network spn1]
 */
import { fileURLToPath } from 'node:url'
import { compileSolidityFile } from '@rollup-mesh/dual-vm'
import { formatEther, parseEther } from 'viem'
import { cliArgs, connect } from './mesh.js'

const { values } = cliArgs()
const { publicClient, walletClient, account } = await connect(values.network)

const source = fileURLToPath(new URL('../contracts/Token.sol', import.meta.url))
const { contracts } = await compileSolidityFile(source)
const token = contracts.Token!

const hash = await walletClient.deployContract({
  abi: token.abi,
  bytecode: token.bytecode,
  args: ['Example Token', 'EXT', parseEther('1000000')],
})
const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 100 })
const address = receipt.contractAddress!
const supply = (await publicClient.readContract({
  address,
  abi: token.abi,
  functionName: 'totalSupply',
})) as bigint

console.log(`Token deployed on ${values.network} at ${address}`)
console.log(
  `  tx ${hash}, gas ${receipt.gasUsed}, supply ${formatEther(supply)} EXT held by ${account.address}`,
)
console.log(JSON.stringify({ address, txHash: hash, gasUsed: receipt.gasUsed.toString() }))
