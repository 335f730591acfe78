import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** What `<dataDir>/rpc.json` holds: how to reach a running node (the CLI and scripts read it). */
export type RPCFile = {
  rpcUrl: string
  wsUrl: string
  pid: number
  chainId: number
  multiaddrs: string[]
}

/** `<dataDir>/rpc.json`. */
export function rpcFilePath(dataDir: string): string {
  return join(dataDir, 'rpc.json')
}

/** Writes `<dataDir>/rpc.json` once RPC is up; it stays after the node stops (its `pid` tells if it runs). */
export function writeRPCFile(dataDir: string, file: RPCFile): void {
  writeFileSync(rpcFilePath(dataDir), `${JSON.stringify(file)}\n`)
}
