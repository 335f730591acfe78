import type { Command } from 'commander'
import { resolveOptions } from '../../options.js'
import type { CliCommand } from '../types.js'
import { proofExportSchema, proofVerifySchema } from './options.js'

export const proof: CliCommand = {
  name: 'proof',
  describe: 'Export the proof bundle of a cross-SPN message, or verify one offline (each check reported).',
  examples: [
    {
      command: 'mesh proof verify .mesh/demo-bundle.json',
      description: 'check the bundle `mesh up --demo` wrote, offline: each check, the trust source, the time',
    },
    {
      command: 'mesh proof export spn1:16 -o bundle.json',
      description:
        'the bundle of the message at exit position 16 of spn1 (`mesh bridge` prints the position)',
    },
  ],
  register: (cmd: Command) => {
    cmd
      .command('export')
      .exitOverride()
      .description('Write the proof bundle of a settled cross-SPN message (exportProofBundle).')
      .argument('<message>', 'the source transaction hash, or spnN:position (exit-tree position)')
      .option('--network <name>', 'the source SPN of a transaction hash (default: ask every SPN)')
      .option('--index <i>', 'which message of a transaction that sent several (0-based)')
      .option('-o, --output <file>', 'where to write the bundle (default bundle-<spn>-<position>.json)')
      .option('-d, --data-dir <dir>', 'the mesh data dir (default .mesh)')
      .option('--json', 'print one JSON object')
      .action(async (message: string, opts: Record<string, unknown>) => {
        const options = resolveOptions('proof', proofExportSchema, { ...opts, message })
        process.exitCode = await (await import('./handler.js')).proofExportHandler(options)
      })
    cmd
      .command('verify')
      .exitOverride()
      .description('Check a proof bundle offline (no node needed); exit 0 only when every check passes.')
      .argument('<file>', 'the bundle JSON (what `mesh proof export` wrote)')
      .option('--validator <address>', "pin the main-net validator (default: the bundle's, said so)")
      .option('--json', 'print one JSON object')
      .action(async (file: string, opts: Record<string, unknown>) => {
        const options = resolveOptions('proof', proofVerifySchema, { ...opts, file })
        process.exitCode = await (await import('./verify.js')).proofVerifyHandler(options)
      })
  },
}
