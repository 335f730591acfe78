import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { type Address, bytesToHex, type Hex } from 'viem'
import { type SPNNode, spnNumericId } from './node.js'

/** What governance registers an SPN with on the main net (`registerSPN`); `<dataDir>/settlement.json`. */
export type SPNRegistration = {
  spnId: string
  operator: Address
  measurement: Hex
  simulatedRoot: Hex
  genesisStateRoot: Hex
  mailbox: Address
}

/** A started SPN's registration: defined when it settles (a `settlement` section with an enclave). */
export function spnRegistration(node: SPNNode): SPNRegistration | undefined {
  const enclave = node.settlement?.enclave
  const spnId = spnNumericId(node.config)
  const genesisStateRoot = node.chain.store.getHeaderByNumber(0n)?.stateRoot
  if (!node.settlement || !enclave || spnId === undefined || !genesisStateRoot) return undefined
  return {
    spnId: spnId.toString(),
    operator: node.settlement.operator,
    measurement: bytesToHex(enclave.measurement),
    simulatedRoot: bytesToHex(enclave.rootCertificateDer),
    genesisStateRoot,
    mailbox: SYSTEM_ADDRESSES.spn.mailbox,
  }
}

/**
 * Writes a started SPN's registration to `<dataDir>/settlement.json` (what the bin and `mesh node start`
 * print in their ready line) and returns it; undefined, and no file, when the SPN does not settle.
 */
export function writeSPNRegistration(node: SPNNode): SPNRegistration | undefined {
  const registration = spnRegistration(node)
  if (registration)
    writeFileSync(join(node.config.dataDir, 'settlement.json'), `${JSON.stringify(registration)}\n`)
  return registration
}
