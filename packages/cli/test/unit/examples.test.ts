import type { Command } from 'commander'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { commands, createProgram, main } from '../../src/index.js'
import { optionsOf } from '../../src/options/register.js'

/** `a "b c" d` → ['a', 'b c', 'd'] (the quoting the examples use). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '')
}

const leaves = (cmd: Command): Command[] =>
  cmd.commands.length === 0 ? [cmd] : cmd.commands.flatMap((c) => leaves(c))

/** Parses `line` with every action replaced by one that resolves the options (no handler runs). */
async function parse(line: string): Promise<Record<string, unknown>> {
  const [mesh, ...argv] = words(line)
  expect(mesh).toBe('mesh')
  const program = createProgram()
  let resolved: Record<string, unknown> | undefined
  for (const leaf of leaves(program))
    leaf.configureOutput({ writeErr: () => {} }).action((...params: unknown[]) => {
      resolved = optionsOf(params.at(-1) as Command, {})
    })
  await program.parseAsync(['node', 'mesh', ...argv])
  expect(resolved, line).toBeDefined()
  return resolved as Record<string, unknown>
}

describe('--help examples', () => {
  const all = commands.flatMap((c) => c.examples.flatMap((e) => e.command.split(' && ')))

  it.each(all)('%s parses and its options validate', async (line) => {
    await parse(line)
  })

  it('a typo in an example would fail', async () => {
    await expect(parse('mesh up --spnz 3')).rejects.toMatchObject({ code: 'commander.unknownOption' })
    await expect(parse('mesh up --spns 300')).rejects.toMatchObject({ code: 'INVALID_OPTION' })
  })

  it('the examples pass what they say', async () => {
    expect(await parse('mesh up --fresh --block-time 200')).toMatchObject({
      fresh: true,
      blockTime: 200,
      spns: 2,
    })
    expect(
      await parse(
        'mesh bridge --from spn2 --to spn1 --value 100gwei --data 0xc0ffee --from-account 2 --no-wait',
      ),
    ).toMatchObject({
      from: 'spn2',
      to: 'spn1',
      value: '100gwei',
      data: '0xc0ffee',
      fromAccount: '2',
      wait: false,
    })
    expect(
      await parse(
        'mesh deploy --network spn1 examples/contracts/Token.sol --args "Mesh Token" MESH 1000000ether',
      ),
    ).toMatchObject({ file: 'examples/contracts/Token.sol', args: ['Mesh Token', 'MESH', '1000000ether'] })
    expect(await parse('mesh node start --config .mesh/spn1/node.json')).toMatchObject({
      nodeConfig: '.mesh/spn1/node.json',
    })
    expect(await parse('mesh compile examples/contracts/Token.sol --no-abi')).toMatchObject({ abi: false })
  })
})

describe('main', () => {
  afterEach(() => vi.restoreAllMocks())

  it('returns 1 and, with --json, prints the coded error as one JSON object', async () => {
    const out: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0)
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    expect(await main(['node', 'mesh', 'up', '--spns', '99', '--json'])).toBe(1)
    const { error } = JSON.parse(out.join('')) as { error: { code: string; message: string } }
    expect(error.code).toBe('INVALID_OPTION')
    expect(error.message).toContain('--spns: expected an integer from 1 to 16, got "99" (command line)')
  })
})
