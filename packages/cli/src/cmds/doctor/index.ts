import type { CliCommand } from '../types.js'
import type { DoctorOptions } from './options.js'

export const doctor: CliCommand = {
  name: 'doctor',
  describe: 'Check that this machine can run a mesh (Node version, native addons, packages).',
  examples: [
    { command: 'mesh doctor', description: 'print each check with ✓ or ✗' },
    { command: 'mesh doctor --json', description: 'the same as one JSON object' },
  ],
  register(cmd) {
    cmd.option('--json', 'print one JSON object').action(async (options: DoctorOptions) => {
      process.exitCode = await (await import('./handler.js')).doctorHandler(options)
    })
  },
}
