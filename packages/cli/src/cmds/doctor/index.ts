import { declareAction } from '../../options/register.js'
import type { CliCommand } from '../types.js'
import { doctorOptions } from './options.js'

export const doctor: CliCommand = {
  name: 'doctor',
  describe:
    "Check that this machine can run a mesh (Node version, native addons, packages) and that the mesh's chain.db files are intact.",
  examples: [
    { command: 'mesh doctor', description: 'print each check with ✓ or ✗' },
    { command: 'mesh doctor --json', description: 'the same as one JSON object' },
    {
      command: 'mesh doctor --data-dir .mesh',
      description:
        "also check every node's chain.db of that mesh (every page) and say what to do with a damaged one",
    },
  ],
  register: (cmd) =>
    declareAction(cmd, {
      usage: 'doctor',
      section: 'doctor',
      options: doctorOptions,
      run: async (o) => (await import('./handler.js')).doctorHandler(o),
    }),
}
