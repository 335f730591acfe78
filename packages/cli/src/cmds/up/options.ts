import { z } from '@rollup-mesh/core'
import { dataDir } from '../../options/common.js'
import type { Parsed } from '../../options/declare.js'
import { option } from '../../options/declare.js'
import type { globalOptions } from '../../options/globals.js'
import { bool, csv, num, oneOf, text } from '../../options/values.js'

/** A fraction from 0 to 1: a number or a decimal string (argv, env). */
const fraction = z.coerce
  .number({ error: 'expected a number from 0 to 1' })
  .min(0, { error: 'expected a number from 0 to 1' })
  .max(1, { error: 'expected a number from 0 to 1' })
/**
 * Validators of `mesh up --demo` (and `npm start`) when `--validators` is not given: the largest count
 * whose `mesh up` stays under 15 s to ready (measured: README, "Quick start").
 */
export const DEMO_VALIDATORS = 3

/** `mesh up`'s options, declared once (flag, help, env MESH_*, config key, validation). */
export const upOptions = {
  spns: option({ flag: '-n, --spns <n>', description: 'number of SPNs', type: num(1, 16), default: 2 }),
  validators: option({
    flag: '--validators <n>',
    description:
      "main-net validator processes (BFT consensus; validator i holds dev account i's key; SPNs use validator 0's RPC)",
    type: num(1, 16).optional(),
    defaultText: `1 (--demo: ${DEMO_VALIDATORS}); a resumed mesh keeps its count`,
  }),
  dataDir: { ...dataDir, description: 'where chains, configs and logs live' },
  blockTime: option({
    flag: '--block-time <ms>',
    description: 'block time in ms',
    type: num(10, 60_000).optional(),
    defaultText: '500',
  }),
  port: option({
    flag: '-p, --port <port>',
    description: 'first RPC port, one per network',
    type: num(0, 65_000).optional(),
    defaultText: 'any free port',
  }),
  workers: option({
    flag: '--workers <n>',
    description:
      "parallel execution: threads executing each SPN's blocks, the node's own thread included (0 = the serial executor)",
    type: num(0, 16).optional(),
    defaultText: '0',
  }),
  verifyParallel: option({
    flag: '--verify-parallel',
    description:
      'with --workers: also execute every block serially; a difference is logged (first differing tx and field) and the block is not produced',
    type: bool.optional(),
  }),
  commit: option({
    flag: '--commit <mode>',
    description:
      "where each SPN's sealed blocks commit: writer (a thread with its own SQLite connection; block N commits while N+1 executes) or inline (on the thread that executes)",
    type: oneOf(['writer', 'inline']).optional(),
    defaultText: 'writer',
  }),
  evm: option({
    flag: '--evm <engine>',
    description:
      "the EVM engine of every node's executor (worker threads included) and eth_call/eth_estimateGas: fast (the synchronous interpreter) or ethereumjs",
    type: oneOf(['fast', 'ethereumjs']).optional(),
    defaultText: 'fast',
  }),
  verifyEvm: option({
    flag: '--verify-evm <fraction>',
    description:
      'with the fast engine: also run this fraction of transactions (0 to 1, sampled by hash) on ethereumjs and compare; a difference (first differing tx and field) fails the block',
    type: fraction.optional(),
    defaultText: '0',
  }),
  settleInterval: option({
    flag: '--settle-interval <ms>',
    description: 'how often each SPN settles to the main net',
    type: num(100, 3_600_000).optional(),
    defaultText: '2000',
  }),
  mainnet: option({
    flag: '--no-mainnet',
    description: 'run the SPNs only, without the main net',
    type: bool,
    default: true,
  }),
  fresh: option({
    flag: '--fresh',
    description: 'delete the data dir first and start new chains',
    type: bool,
    default: false,
  }),
  detach: option({
    flag: '--detach',
    description: 'leave the nodes running in the background and exit',
    type: bool,
    default: false,
  }),
  exportConfigs: option({
    flag: '--export-configs <dir>',
    description: 'only write each node config to <dir> (for `mesh node start` elsewhere)',
    type: text.optional(),
  }),
  hosts: option({
    flag: '--hosts <ips>',
    description:
      'with --export-configs: the IPv4 address of each network, in order (mainnet, mainnet-v1… with --validators, spn1, …)',
    type: text.optional(),
  }),
  rpcHost: option({
    flag: '--rpc-host <address>',
    description:
      'address every node binds its RPC to; anything but loopback exposes the chains to whoever can reach it (the banner says what and to whom)',
    type: text.optional(),
    defaultText: '127.0.0.1',
  }),
  cors: option({
    flag: '--cors <origins>',
    description:
      'browser origins allowed to call the RPC (CORS) and open WebSockets, comma-separated (e.g. http://localhost:5173), or *',
    type: csv.refine((a) => a.every((o) => o === '*' || /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+\/?$/i.test(o)), {
      error: 'expected origins scheme://host[:port] (no path), comma-separated, or *',
    }),
    default: [],
    defaultText: 'none',
  }),
  rpcAllowedHosts: option({
    flag: '--rpc-allowed-hosts <hosts>',
    description:
      'Host header names the RPC answers besides localhost, 127.0.0.1, [::1] and its bind address (the DNS-rebinding guard, like geth --http.vhosts), comma-separated, or *',
    type: csv.refine((a) => a.every((h) => h === '*' || /^[^/\s]+$/.test(h)), {
      error: 'expected host names or IP addresses (no scheme or path), comma-separated, or *',
    }),
    default: [],
    defaultText: 'none',
  }),
  rpcAllowUnsafe: option({
    flag: '--rpc-allow-unsafe',
    description:
      'with a non-loopback --rpc-host: still answer the methods that sign with the dev keys or change state without a signature (eth_sendTransaction, eth_sign*, personal_*, anvil_*, evm_*, hardhat_*)',
    type: bool,
    default: false,
  }),
  rpcReadWorkers: option({
    flag: '--rpc-read-workers <n>',
    description:
      'threads per node answering read-only RPC (receipts, blocks, transactions, logs) off the thread that seals blocks; 0 answers them on that thread',
    type: num(0, 16).optional(),
    defaultText: 'the node default (1)',
  }),
  explorer: option({
    flag: '--no-explorer',
    description: 'do not serve the explorer (the web page of the mesh) from this process',
    type: bool,
    default: true,
  }),
  explorerPort: option({
    flag: '--explorer-port <port>',
    description:
      "the explorer's port on 127.0.0.1 (its origin joins every node's CORS list; `mesh explorer` reuses it for a detached mesh)",
    type: num(1, 65_535).optional(),
    defaultText: 'any free port',
  }),
  demo: option({
    flag: '--demo',
    description:
      'once up: compile and deploy the example contracts (Token.sol on spn1, token.ts as WASM on spn2) and transfer on each; a cross-VM call (an EVM contract calling a WASM counter); a cross-network message with value from spn1 to spn2, settled through the main net and followed to delivery; its proof bundle exported to <data-dir>/demo-bundle.json and verified offline. Then keep running',
    type: bool,
    default: false,
  }),
  logLevel: option({
    flag: '--log-level <level>',
    description: 'node log level',
    type: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'silent']),
    default: 'info',
  }),
  dumpState: option({
    flag: '--dump-state <file>',
    description:
      "when the mesh stops (Ctrl-C, `mesh down`): write every network's accounts, code and storage to <file> (anvil's flag; one file per mesh)",
    type: text.optional(),
  }),
  loadState: option({
    flag: '--load-state <file>',
    description:
      "start new chains from a file written by --dump-state: each network's accounts, code and storage become genesis accounts over its system genesis (with --fresh on an existing data dir)",
    type: text.optional(),
  }),
  json: option({
    flag: '--json',
    description: 'print one JSON object (the state) instead of the banner',
    type: bool,
    default: false,
  }),
}
export type UpOptions = Parsed<typeof upOptions & typeof globalOptions>
