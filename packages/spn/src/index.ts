import { vmOfInitCode } from '@rollup-mesh/dual-vm'
import { topicName } from '@rollup-mesh/p2p'

export {
  defaultSPNOptions,
  parseSPNConfig,
  type SPNConfig,
  type SPNConfigInput,
  spnConfigSchema,
} from './config.js'
export {
  createSPNNode,
  type SPNNode,
  type SPNNodeInit,
  spnGenesisAlloc,
  spnNumericId,
} from './node.js'
export { type SPNRegistration, spnRegistration, writeSPNRegistration } from './registration.js'
export {
  parseSettlementConfig,
  type SettlementConfig,
  type SettlementConfigInput,
  settlementConfigSchema,
} from './settlement/config.js'
export {
  type ExitTreeMessage,
  type SettlementBatchRange,
  SPNExitTree,
} from './settlement/exitTree.js'
export {
  MAILBOX_SOURCE_HASH,
  SPN_MAILBOX_RUNTIME_CODE,
  spnMailboxAbi,
} from './settlement/mailbox.generated.js'
export { spnMailboxGenesisAccount } from './settlement/mailboxGenesis.js'
export {
  createSettlementService,
  defaultExecutorDir,
  type SettlementRecord,
  type SettlementService,
  type SettlementServiceOptions,
} from './settlement/service.js'

/** The gossip topics an SPN named `network` publishes on. */
export function spnTopics(network: string): { headers: string; txs: string; settlements: string } {
  return {
    headers: topicName(network, 'headers'),
    txs: topicName(network, 'txs'),
    settlements: topicName(network, 'settlements'),
  }
}
/** The node process wrapper (chain's), for `mesh node start`: one wrapper for the bins and the CLI. */
/** The chain store's integrity check (chain's), for `mesh doctor` (the CLI does not depend on chain). */
export { ChainDbCorruptError, checkChainDb, readyLine, runNode } from '@rollup-mesh/chain'
export type { InboxMessage, InboxStatus } from './delivery/inbox.js'
export { type InboxEntryJSON, inboxEntryJSON } from './delivery/rpc.js'
export { MainnetValidatorsUnavailableError } from './mainnetFollow/errors.js'
export {
  createMainnetSignerGate,
  type MainnetSignerGate,
  type MainnetSignerGateOptions,
  UNKNOWN_SIGNER_LAG,
} from './mainnetFollow/signerGate.js'
export {
  type FetchMainnetValidators,
  type MainnetValidatorSnapshot,
  mainnetValidatorsOverRPC,
} from './mainnetFollow/validatorsRPC.js'
export { replaySPN, type SPNReplayOptions } from './replay.js'
export { vmOfInitCode }
