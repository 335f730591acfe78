import { type Abi, parseAbi } from 'viem'
import { KNOWN_EVENTS } from './knownAbis.js'

/** A contract the explorer knows without being told: its name and the ABI of its read functions and events. */
export type KnownContract = { name: string; abi: Abi }

/**
 * The system contracts at their genesis addresses (core's `SYSTEM_ADDRESSES`, copied: the browser bundle does
 * not import core), by network kind. Read functions are the views of their generated ABIs.
 */
export const KNOWN_CONTRACTS: Record<'mainnet' | 'spn', Record<string, KnownContract>> = {
  spn: {
    '0x0000000000000000000000000000000000002001': {
      name: 'SPN Mailbox',
      abi: [
        ...parseAbi([
          'function spnId() view returns (uint256)',
          'function messageCount() view returns (uint256)',
          'function deliveredCount() view returns (uint256)',
          'function deliveryStatus(uint64 srcSpn, uint64 position) view returns (uint8)',
          'function finalizedRoot(uint64 srcSpn, bytes32 root) view returns (uint64)',
          'function MAX_DATA_BYTES() view returns (uint256)',
          'function MAX_MESSAGES_PER_BLOCK() view returns (uint256)',
          'function sendMessage(uint64 dstSpn, address to, bytes data) payable returns (uint64 index)',
        ]),
        ...KNOWN_EVENTS['SPN Mailbox'],
      ],
    },
  },
  mainnet: {
    '0x0000000000000000000000000000000000001001': {
      name: 'SPN Registry',
      abi: [
        ...parseAbi([
          'function spnIds() view returns (uint64[])',
          'function isActive(uint64 spnId) view returns (bool)',
          'function spnIdOfChain(uint64 chainId) view returns (uint64)',
          'function minBond() view returns (uint256)',
          'function owner() view returns (address)',
        ]),
        ...KNOWN_EVENTS['SPN Registry'],
      ],
    },
    '0x0000000000000000000000000000000000001002': {
      name: 'Settlement',
      abi: [
        ...parseAbi([
          'function tipOf(uint64 spnId) view returns (uint64 count, uint64 toBlock, uint64 nextStartIndex, bytes32 stateRoot, bytes32 exitRoot, bytes32 headerHash)',
          'function BATCH_SIZE() view returns (uint64)',
        ]),
        ...KNOWN_EVENTS.Settlement,
      ],
    },
    '0x0000000000000000000000000000000000001003': {
      name: 'Mailbox',
      abi: [
        ...parseAbi([
          'function latestExitRoot(uint64 spnId) view returns (bytes32)',
          'function nextLeafIndex(uint64 spnId) view returns (uint64)',
          'function settlementCount(uint64 spnId) view returns (uint64)',
          'function isFinalized(uint64 spnId, bytes32 exitRoot) view returns (bool)',
        ]),
        ...KNOWN_EVENTS.Mailbox,
      ],
    },
  },
}
