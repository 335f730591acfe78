import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { proofExportOptions, proofVerifyOptions } from './options.js'

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
  register(cmd) {
    declareAction(
      cmd
        .command('export')
        .exitOverride()
        .description('Write the proof bundle of a settled cross-SPN message (exportProofBundle).'),
      {
        usage: 'proof export',
        section: 'proof',
        options: proofExportOptions,
        run: async (o) => (await import('./handler.js')).proofExportHandler(o),
      },
    )
    declareAction(
      cmd
        .command('verify')
        .exitOverride()
        .description('Check a proof bundle offline (no node needed); exit 0 only when every check passes.'),
      {
        usage: 'proof verify',
        section: 'proof',
        options: proofVerifyOptions,
        run: async (o) => (await import('./verify.js')).proofVerifyHandler(o),
      },
    )
  },
}
