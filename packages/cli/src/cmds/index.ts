import { bridge } from './bridge/index.js'
import { call, send } from './call/index.js'
import { compile } from './compile/index.js'
import { deploy } from './deploy/index.js'
import { doctor } from './doctor/index.js'
import { down } from './down/index.js'
import { explorer } from './explorer/index.js'
import { logs } from './logs/index.js'
import { node } from './node/index.js'
import { proof } from './proof/index.js'
import { spn } from './spn/index.js'
import { status } from './status/index.js'
import type { CliCommand } from './types.js'
import { up } from './up/index.js'

/** Every `mesh` sub-command, in the order --help lists them. */
export const commands: CliCommand[] = [
  up,
  status,
  logs,
  down,
  explorer,
  node,
  spn,
  compile,
  deploy,
  call,
  send,
  bridge,
  proof,
  doctor,
]
