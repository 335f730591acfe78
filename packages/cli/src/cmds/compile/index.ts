import { z } from '@rollup-mesh/core'
import { compileFile, writeAbiBeside } from '../../contracts/compile.js'
import { bool, globalShape, resolveOptions } from '../../options.js'
import { createOut } from '../../output.js'
import type { CliCommand } from '../types.js'

export const compileSchema = z.object({ ...globalShape, file: z.string().min(1), noAbi: bool.default(false) })
export type CompileOptions = z.output<typeof compileSchema>

/** Compiles a Solidity or AssemblyScript file; prints each contract and writes `<Name>.abi.json` beside it. */
export async function compileHandler(options: CompileOptions): Promise<number> {
  const out = createOut(options.json)
  const started = performance.now()
  out.progress(`Compiling ${options.file}…`)
  const artifacts = await compileFile(options.file)
  const ms = Math.round(performance.now() - started)
  const rows = artifacts.map((a) => ({
    name: a.name,
    vm: a.vm,
    bytes: (a.bytecode.length - 2) / 2,
    abiFile: options.noAbi || a.bytecode.length <= 2 ? undefined : writeAbiBeside(a),
    functions: a.abi.filter((i) => i.type === 'function').length,
  }))
  for (const r of rows)
    out.line(
      `${r.name.padEnd(16)} ${r.vm.toUpperCase().padEnd(5)} ${String(r.bytes).padStart(6)} bytes  ${r.functions} functions${r.abiFile ? `  ABI → ${r.abiFile}` : ''}`,
    )
  out.line(`Compiled ${options.file} in ${ms} ms.`)
  out.result({
    file: options.file,
    ms,
    contracts: artifacts.map((a, i) => ({ ...rows[i], abi: a.abi, bytecode: a.bytecode })),
  })
  return 0
}

export const compile: CliCommand = {
  name: 'compile',
  describe: 'Compile a Solidity (.sol, solc) or AssemblyScript (.ts, asc → WASM) contract.',
  examples: [
    {
      command: 'mesh compile examples/contracts/Token.sol',
      description: 'compile and write Token.abi.json beside it',
    },
    {
      command: 'mesh compile examples/contracts/token.ts --json',
      description: 'the WASM module and ABI as JSON',
    },
  ],
  register(cmd) {
    cmd
      .argument('<file>', 'a .sol or .ts contract')
      .option('--no-abi', 'do not write the ABI file')
      .option('--json', 'print one JSON object (ABI and bytecode included)')
      .action(async (file: string, opts: Record<string, unknown>) => {
        const { abi, ...rest } = opts
        process.exitCode = await compileHandler(
          resolveOptions('compile', compileSchema, {
            ...rest,
            file,
            noAbi: abi === false ? true : undefined,
          }),
        )
      })
  },
}
