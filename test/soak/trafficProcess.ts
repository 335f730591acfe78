/**
 * The valid traffic of rpc-abuse in its own process (so the flood generator's CPU does not slow it):
 * `node trafficProcess.ts <url> <chainId> <to> <key>...` prints `{"acked":N,"sign":[ms…],"send":[ms…]}` every
 * 250 ms (the times of the transfers acknowledged since the last line) and, on SIGTERM,
 * one final `{"done":true,"acked":{...},"startNonce":{...},"errors":[...]}` line before exiting.
 */
import type { Hex } from 'viem'
import { startValidTraffic } from './validTraffic.js'

const [url, chainId, to, ...keys] = process.argv.slice(2) as [string, string, Hex, ...Hex[]]
const traffic = startValidTraffic({ url, chainId: Number(chainId), keys, to })
const total = () => [...traffic.acked.values()].reduce((a, b) => a + b, 0)
const round = (ms: number) => Math.round(ms * 100) / 100
const timer = setInterval(() => {
  const { sign, send } = traffic.drainTimes()
  process.stdout.write(
    `${JSON.stringify({ acked: total(), sign: sign.map(round), send: send.map(round) })}\n`,
  )
}, 250)
process.on('SIGTERM', async () => {
  clearInterval(timer)
  await traffic.stop()
  process.stdout.write(
    `${JSON.stringify({ done: true, acked: Object.fromEntries(traffic.acked), startNonce: Object.fromEntries(traffic.startNonce), errors: traffic.errors })}\n`,
  )
  process.exit(0)
})
