// The SPN Mailbox as the CLI calls it: its address and the parts of its ABI it uses.
import { SYSTEM_ADDRESSES } from '@rollup-mesh/core'
import { type Address, parseAbi } from 'viem'
/** The SPN Mailbox system contract (in every SPN genesis). */
export const SPN_MAILBOX: Address = SYSTEM_ADDRESSES.spn.mailbox

/** The parts of the SPN Mailbox the CLI uses (the full ABI lives in @rollup-mesh/spn, a heavy import). */
export const mailboxAbi = parseAbi([
  'function sendMessage(uint64 dstSpn, address to, bytes data) payable returns (uint64 index)',
  'event MessageSent(uint64 indexed index, uint64 srcSpn, uint64 indexed dstSpn, address indexed sender, address to, uint256 value, bytes data)',
  'event MessageFailed(uint64 indexed srcSpn, uint64 indexed position, address indexed to, address sender, uint256 value, bytes reason)',
])
