import { compileFile, writeAbiBeside } from '../../contracts/compile.js'
import { createOut } from '../../output.js'
import type { CompileOptions } from './options.js'

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
    abiFile: !options.abi || a.bytecode.length <= 2 ? undefined : writeAbiBeside(a),
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
