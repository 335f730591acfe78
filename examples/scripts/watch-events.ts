/**
 * Watches a token's Transfer events over the WebSocket RPC (eth_subscribe
 * logs) and prints each; exits after `--count` events (default: runs until Ctrl-C).
 *
 *   npx tsx --conditions source examples/scripts/watch-events.ts <token> [--count 1] [--network spn1]
 */
import { type Address, erc20Abi, formatEther } from 'viem'
import { cliArgs, connect } from './mesh.js'

const { values, positionals } = cliArgs()
const token = positionals[0] as Address | undefined
if (!token) throw new Error('usage: watch-events.ts <token> [--count N] [--network spn1]')
const { wsClient, publicClient } = await connect(values.network)
const client = wsClient ?? publicClient
const limit = values.count ? Number(values.count) : Number.POSITIVE_INFINITY
let seen = 0

console.log(`watching Transfer events of ${token} on ${values.network}`)
const unwatch = client.watchContractEvent({
  address: token,
  abi: erc20Abi,
  eventName: 'Transfer',
  onLogs: (logs) => {
    for (const log of logs) {
      seen++
      console.log(
        `Transfer ${log.args.from} → ${log.args.to}: ${formatEther(log.args.value!)} (block ${log.blockNumber}, tx ${log.transactionHash})`,
      )
      if (seen >= limit) {
        unwatch()
        process.exit(0)
      }
    }
  },
  onError: (err) => {
    console.error(`watch failed: ${err.message}`)
    process.exit(1)
  },
})
