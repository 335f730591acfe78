import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Abi, Address } from 'viem'

export type Deployment = {
  network: string
  address: Address
  name: string
  vm: string
  abi: Abi
  txHash: string
}

const file = (dataDir: string) => join(dataDir, 'deployments.json')

/** What `mesh deploy` deployed into this mesh, so `mesh call`/`send` know the ABI by address. */
export function readDeployments(dataDir: string): Deployment[] {
  try {
    return existsSync(file(dataDir)) ? (JSON.parse(readFileSync(file(dataDir), 'utf8')) as Deployment[]) : []
  } catch {
    return []
  }
}

export function recordDeployment(dataDir: string, d: Deployment): void {
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file(dataDir), `${JSON.stringify([...readDeployments(dataDir), d], null, 2)}\n`)
}

export function findDeployment(dataDir: string, network: string, address: string): Deployment | undefined {
  return readDeployments(dataDir)
    .reverse()
    .find((d) => d.network === network && d.address.toLowerCase() === address.toLowerCase())
}
