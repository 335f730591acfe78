import { parseAbi } from 'viem'

/**
 * The events the explorer decodes: the system contracts' (the SPN Mailbox, the main net's SPN Registry,
 * Settlement and Mailbox; copied from their generated ABIs in spn/ and mainnet/, which the browser bundle does
 * not import) and ERC-20's (the example tokens `mesh deploy` puts on the SPNs).
 */
export const KNOWN_EVENTS = {
  'SPN Mailbox': parseAbi([
    'event ExitRootImported(uint64 indexed srcSpn, bytes32 indexed root, uint64 settlementIndex)',
    'event MessageDelivered(uint64 indexed srcSpn, uint64 indexed position, address indexed to, address sender, uint256 value)',
    'event MessageFailed(uint64 indexed srcSpn, uint64 indexed position, address indexed to, address sender, uint256 value, bytes reason)',
    'event MessageRetried(uint64 indexed srcSpn, uint64 indexed position, address indexed to, address caller)',
    'event MessageSent(uint64 indexed index, uint64 srcSpn, uint64 indexed dstSpn, address indexed sender, address to, uint256 value, bytes data)',
  ]),
  'SPN Registry': parseAbi([
    'event MinBondChanged(uint256 minBond)',
    'event OwnerChanged(address indexed previousOwner, address indexed newOwner)',
    'event SPNDeregistered(uint64 indexed spnId, address indexed operator, uint256 bondReturned)',
    'event SPNRegistered(uint64 indexed spnId, uint64 chainId, address indexed operator, bytes32 vkHash, bool simulatedAllowed, uint256 bond)',
    'event VerifierSet(bytes32 indexed vkHash, address verifier)',
  ]),
  Settlement: parseAbi([
    'event SettlementAccepted(uint64 indexed spnId, uint64 indexed settlementIndex, bytes32 indexed headerHash, uint64 fromBlock, uint64 toBlock, bytes32 newStateRoot, bytes32 newExitRoot, uint64 startIndex, uint64 leafCount, bool simulatedTee)',
  ]),
  Mailbox: parseAbi([
    'event ExitRootFinalized(uint64 indexed spnId, bytes32 indexed exitRoot, uint64 settlementIndex, uint64 toBlock, uint64 startIndex, uint64 leafCount)',
  ]),
  'ERC-20': parseAbi([
    'event Transfer(address indexed from, address indexed to, uint256 value)',
    'event Approval(address indexed owner, address indexed spender, uint256 value)',
  ]),
} as const
