import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import type { Abi, Hex } from 'viem'
import { MeshCliError } from '../errors.js'

export type Artifact = {
  name: string
  vm: 'evm' | 'wasm'
  abi: Abi
  /** Creation code (EVM init code, or the envelope-ready WASM module). */
  bytecode: Hex
  source: string
}

/** Compiles a `.sol` (solc) or `.ts` (AssemblyScript) file; every contract it defines. */
export async function compileFile(file: string): Promise<Artifact[]> {
  const path = resolve(file)
  if (!existsSync(path))
    throw new MeshCliError(`File ${file} does not exist.`, {
      code: 'FILE_NOT_FOUND',
      metaMessages: [
        '- Pass a Solidity (.sol) or AssemblyScript (.ts) contract, e.g. examples/contracts/Token.sol.',
      ],
    })
  const ext = extname(path)
  if (ext === '.sol') {
    const { compileSolidityFile, SolidityCompileError } = await import('@rollup-mesh/dual-vm')
    const out = await compileSolidityFile(path).catch((err: unknown) => {
      if (!(err instanceof SolidityCompileError)) throw err
      // solc names the file by its base name; say it as the user wrote it, so editors can jump to it.
      const name = basename(path)
      throw new MeshCliError(
        `Solidity compilation of ${file} failed with ${err.diagnostics.length} error(s).`,
        {
          code: 'SOLIDITY_COMPILE_FAILED',
          metaMessages: err.diagnostics.map(
            (d) => `- ${d.file === name ? `${file}${d.formatted.slice(name.length)}` : d.formatted}`,
          ),
        },
      )
    })
    const seen = new Set<string>()
    const artifacts: Artifact[] = []
    for (const c of Object.values(out.contracts)) {
      if (seen.has(c.id) || c.sourceName !== basename(path)) continue
      seen.add(c.id)
      artifacts.push({ name: c.contractName, vm: 'evm', abi: c.abi, bytecode: c.bytecode, source: path })
    }
    return artifacts
  }
  if (ext === '.ts') {
    const { compileAssemblyScript } = await import('@rollup-mesh/dual-vm')
    const out = await compileAssemblyScript(path)
    return [{ name: basename(path, '.ts'), vm: 'wasm', abi: out.abi, bytecode: out.bytecode, source: path }]
  }
  throw new MeshCliError(`Cannot compile ${file}: expected a .sol (Solidity) or .ts (AssemblyScript) file.`, {
    code: 'UNSUPPORTED_SOURCE',
  })
}

/** Picks the contract to deploy: `--contract`, else the one named like the file, else the only deployable one. */
export function selectArtifact(artifacts: Artifact[], file: string, name?: string): Artifact {
  const deployable = artifacts.filter((a) => a.bytecode.length > 2)
  const names = deployable.map((a) => a.name).join(', ')
  if (name) {
    const found = artifacts.find((a) => a.name === name)
    if (!found)
      throw new MeshCliError(`No contract "${name}" in ${file}.`, {
        code: 'CONTRACT_NOT_FOUND',
        metaMessages: [`- Contracts in ${file}: ${names || '(none deployable)'}.`],
      })
    return found
  }
  const stem = basename(file, extname(file)).toLowerCase()
  const byName = deployable.find((a) => a.name.toLowerCase() === stem)
  if (byName) return byName
  if (deployable.length === 1) return deployable[0]!
  throw new MeshCliError(`${file} defines several contracts; pick one with --contract.`, {
    code: 'CONTRACT_AMBIGUOUS',
    metaMessages: [`- Contracts: ${names}.`],
  })
}

/**
 * Writes `<Name>.abi.json` beside the source (skipped when the file already
 * holds the same ABI, as the AssemblyScript contracts' hand-written ABIs do).
 */
export function writeAbiBeside(artifact: Artifact): string {
  const own = join(
    dirname(artifact.source),
    `${basename(artifact.source, extname(artifact.source))}.abi.json`,
  )
  const path = artifact.vm === 'wasm' ? own : join(dirname(artifact.source), `${artifact.name}.abi.json`)
  const text = `${JSON.stringify(artifact.abi, null, 2)}\n`
  if (existsSync(path)) {
    try {
      if (JSON.stringify(JSON.parse(readFileSync(path, 'utf8'))) === JSON.stringify(artifact.abi)) return path
    } catch {
      // rewrite it
    }
  }
  writeFileSync(path, text)
  return path
}
