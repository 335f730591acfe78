import { option } from './declare.js'
import { bool, text } from './values.js'

/**
 * Options every command has. `config` names the config file (`MESH_CONFIG` too); a command
 * whose own flag is `--config` (`mesh node start`) leaves it out and reads `MESH_CONFIG` only.
 */
export const globalOptions = {
  json: option({ flag: '--json', description: 'print one JSON object', type: bool, default: false }),
  config: option({
    flag: '--config <file.json>',
    description: 'config file: option names as keys, at the top level or in a section per command',
    type: text.optional(),
    defaultText: './mesh.config.json if present',
    inConfigFile: false,
  }),
}
