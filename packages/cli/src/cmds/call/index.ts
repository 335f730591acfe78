import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { callOptions, sendOptions } from './options.js'

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
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'call',
      section: 'call',
      options: callOptions,
      run: async (o) => (await import('./handler.js')).callHandler(o),
    }),
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
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'send',
      section: 'send',
      options: sendOptions,
      run: async (o) => (await import('./handler.js')).sendHandler(o),
    }),
}
