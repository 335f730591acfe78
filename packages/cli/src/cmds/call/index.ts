import type { Command } from 'commander'
import { resolveOptions } from '../../options.js'
import type { CliCommand } from '../types.js'
import { callSchema } from './options.js'

function register(name: 'call' | 'send', cmd: Command): void {
  cmd
    .argument('<address>', 'contract address')
    .argument('<function>', 'signature like "balanceOf(address)(uint256)", or a name with --abi')
    .argument('[args...]', 'arguments (numbers, 1ether, addresses, JSON for arrays/tuples)')
    .option('--network <name>', 'network of the mesh (default spn1)')
    .option('--rpc-url <url>', 'use this RPC endpoint instead of the mesh state file')
    .option('--abi <file>', 'ABI JSON file (default: the ABI `mesh deploy` recorded for the address)')
    .option('--from <account>', 'dev account index (0-9), dev address or private key (default 0)')
    .option('-d, --data-dir <dir>', 'the mesh data dir (default .mesh)')
    .option('--json', 'print one JSON object')
  if (name === 'send') cmd.option('--value <amount>', 'value to send (wei, or 1ether)')
  cmd.action(async (address: string, fn: string, args: string[], opts: Record<string, unknown>) => {
    const options = resolveOptions(name, callSchema, { ...opts, address, function: fn, args })
    process.exitCode = await (name === 'call'
      ? (await import('./handler.js')).callHandler(options)
      : (await import('./handler.js')).sendHandler(options))
  })
}

export const call: CliCommand = {
  name: 'call',
  describe: 'Call a view function (eth_call) on either VM, by signature or ABI.',
  examples: [
    {
      command:
        'mesh call --network spn1 0x5FbDB2315678afecb367f032d93F642f64180aa3 "balanceOf(address)(uint256)" 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      description: 'a token balance (WASM contracts speak the same ABI)',
    },
  ],
  register: (cmd) => register('call', cmd),
}

export const send: CliCommand = {
  name: 'send',
  describe: 'Send a transaction calling a function on either VM; prints hash, gas and events.',
  examples: [
    {
      command:
        'mesh send --network spn1 0x5FbDB2315678afecb367f032d93F642f64180aa3 "transfer(address,uint256)" 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 1ether',
      description: 'transfer tokens from dev account 0',
    },
  ],
  register: (cmd) => register('send', cmd),
}
