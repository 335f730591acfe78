import { option, type Parsed } from '../../options/declare.js'
import { globalOptions } from '../../options/globals.js'
import { text } from '../../options/values.js'

/**
 * `mesh node start`'s options. Its `-c, --config` is the node config (key `nodeConfig`,
 * env `MESH_NODE_CONFIG`), so it leaves out the global `--config`: the mesh config file
 * comes from `MESH_CONFIG` or ./mesh.config.json.
 */
export const nodeStartOptions = {
  nodeConfig: option({
    flag: '-c, --config <file>',
    description: 'node config (mesh up writes <data-dir>/<network>/node.json)',
    type: text,
  }),
  json: { ...globalOptions.json, description: 'print one JSON ready line instead of text' },
}

export type NodeStartOptions = Omit<Parsed<typeof nodeStartOptions>, 'nodeConfig'> & { config: string }
