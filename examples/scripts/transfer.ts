/**
 * Transfers tokens with viem and prints both balances before and after.
 *
 *   npx tsx --conditions source examples/scripts/transfer.ts <token> <to> <amount> [--network spn1]
 */
import { type Address, erc20Abi, formatEther, parseEther } from 'viem'
import { cliArgs, connect } from './mesh.js'

const { values, positionals } = cliArgs()
const [token, to, amount = '1'] = positionals as [Address, Address, string]
if (!token || !to) throw new Error('usage: transfer.ts <token> <to> <amount> [--network spn1]')
const { publicClient, walletClient, account } = await connect(values.network)

const balances = async () =>
  Promise.all(
    [account.address, to].map((who) =>
      publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [who] }),
    ),
  )

const [fromBefore, toBefore] = await balances()
const hash = await walletClient.writeContract({
  address: token,
  abi: erc20Abi,
  functionName: 'transfer',
  args: [to, parseEther(amount)],
})
const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 100 })
const [fromAfter, toAfter] = await balances()

console.log(
  `transfer ${amount} → ${to}: ${receipt.status} in block ${receipt.blockNumber} (gas ${receipt.gasUsed})`,
)
console.log(`  ${account.address}: ${formatEther(fromBefore!)} → ${formatEther(fromAfter!)}`)
console.log(`  ${to}: ${formatEther(toBefore!)} → ${formatEther(toAfter!)}`)
console.log(JSON.stringify({ txHash: hash, status: receipt.status, to: toAfter!.toString() }))
