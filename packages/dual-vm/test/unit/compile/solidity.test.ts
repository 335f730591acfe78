import { describe, expect, it } from 'vitest'
import {
  compileSolidity,
  compileSolidityFile,
  SOLIDITY_EVM_VERSION,
  SolidityCompileError,
} from '../../../src/index.js'
import { EXAMPLES_DIR, FIXTURES_DIR } from '../helpers.js'

describe('compileSolidity', () => {
  it('compiles with the optimizer for the executor hardfork and returns ABI and bytecode', async () => {
    const result = await compileSolidityFile(`${EXAMPLES_DIR}Counter.sol`)
    const counter = result.contracts.Counter!
    expect(counter.id).toBe('Counter.sol:Counter')
    expect(counter.bytecode).toMatch(/^0x60/)
    expect(counter.deployedBytecode.length).toBeLessThan(counter.bytecode.length)
    expect(counter.abi.some((e) => e.type === 'function' && e.name === 'increment')).toBe(true)
    expect(result.compilerVersion).toMatch(/^0\.8\./)
    expect(SOLIDITY_EVM_VERSION).toBe('osaka')
  })

  it('resolves package imports (OpenZeppelin) from node_modules', async () => {
    const result = await compileSolidityFile(`${FIXTURES_DIR}OZToken.sol`)
    expect(
      result.contracts.OZToken?.abi.some((e) => e.type === 'error' && e.name === 'ERC20InsufficientBalance'),
    ).toBe(true)
    expect(result.contracts['@openzeppelin/contracts/token/ERC20/ERC20.sol:ERC20']).toBeDefined()
  })

  it('reports errors with file:line:column', async () => {
    const source = 'pragma solidity ^0.8.0;\ncontract Broken {\n  function f() public { uint x = ; }\n}\n'
    const error = await compileSolidity({ sources: { 'Broken.sol': source } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SolidityCompileError)
    const diagnostics = (error as SolidityCompileError).diagnostics
    expect(diagnostics[0]).toMatchObject({ file: 'Broken.sol', line: 3, severity: 'error' })
    expect(diagnostics[0]!.formatted).toMatch(/^Broken\.sol:3:\d+: /)
    expect((error as SolidityCompileError).message).toContain('Broken.sol:3:')
  })

  it('names a missing import', async () => {
    const source = 'pragma solidity ^0.8.0;\nimport "./Nope.sol";\ncontract A {}\n'
    const error = (await compileSolidity({ sources: { 'A.sol': source } }).catch(
      (e: unknown) => e,
    )) as SolidityCompileError
    expect(error.diagnostics[0]!.formatted).toMatch(/A\.sol:2:1: .*Nope\.sol/)
  })
})
