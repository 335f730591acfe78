import { option, type Parsed } from '../../options/declare.js'
import { globalOptions } from '../../options/globals.js'
import { num, text } from '../../options/values.js'

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

/** `mesh node replay`'s options: the node config (as `node start`), a block limit, a scratch directory. */
export const nodeReplayOptions = {
  nodeConfig: nodeStartOptions.nodeConfig,
  toBlock: option({
    flag: '--to-block <n>',
    description: 'replay blocks 1..n only (default: up to the stored head)',
    type: num(1, Number.MAX_SAFE_INTEGER).optional(),
  }),
  scratch: option({
    flag: '--scratch <dir>',
    description: 'empty directory to re-execute into, kept afterwards (default: a temporary one, removed)',
    type: text.optional(),
  }),
  json: { ...globalOptions.json, description: 'print the report as one JSON object' },
}

export type NodeReplayOptions = Omit<Parsed<typeof nodeReplayOptions>, 'nodeConfig'> & { config: string }
