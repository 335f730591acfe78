import type { BlockContext, ExecutableTx } from '@rollup-mesh/core'
import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
} from 'viem'
import { compileSolidity } from '../../../src/compile/solidity.js'
import { alice, makeHeader, makeTx, type TestChain } from '../helpers.js'

/** Parent calls Child (nested CALL, STATICCALL), writes and reads storage, reverts with a reason, creates. */
export const TRACING_SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
contract Child {
  uint256 public v;
  event Set(uint256 x);
  function set(uint256 x) external returns (uint256) { v = x; emit Set(x); return x * 2; }
  function boom() external pure { revert("boom"); }
}
contract Parent {
  Child public c;
  uint256 public n;
  event Went(uint256 r);
  constructor() { c = new Child(); }
  function go(uint256 x) external returns (uint256 r) { n += 1; r = c.set(x) + n; emit Went(r); }
  function fail() external { n += 1; c.boom(); }
  function spin(uint256 k) external { for (uint256 i = 0; i < k; i++) n += i; }
}`

export type Tracing = { parent: Abi; child: Abi; bytecode: Hex }

let compiled: Promise<Tracing> | undefined
export function tracingContracts(): Promise<Tracing> {
  compiled ??= compileSolidity({ sources: { 'Tracing.sol': TRACING_SOURCE } }).then(({ contracts }) => ({
    parent: contracts.Parent!.abi,
    child: contracts.Child!.abi,
    bytecode: contracts.Parent!.bytecode,
  }))
  return compiled
}

/** A chain with Parent (and its Child) deployed by alice. */
export async function deployTracing(
  chain: TestChain,
  t: Tracing,
): Promise<{ parent: Address; child: Address }> {
  const { address } = await chain.deploy(alice, t.parent, t.bytecode)
  return { parent: address, child: getContractAddress({ from: address, nonce: 1n }).toLowerCase() as Address }
}

/** A call transaction from `from` to `to` with the chain's next nonce (plus `offset`). */
export function callTx(
  chain: TestChain,
  from: Address,
  to: Address,
  abi: Abi,
  functionName: string,
  args: readonly unknown[] = [],
  offset = 0n,
  gas = 500_000n,
): ExecutableTx {
  return makeTx({
    from,
    to,
    nonce: chain.nonceOf(from) + offset,
    data: encodeFunctionData({ abi, functionName, args }),
    gas,
  })
}

export function deployTx(chain: TestChain, from: Address, t: Tracing): ExecutableTx {
  return makeTx({
    from,
    nonce: chain.nonceOf(from),
    data: encodeDeployData({ abi: t.parent, bytecode: t.bytecode }),
    gas: 3_000_000n,
  })
}

/** The context the next block of `chain` gets. */
export function nextHeader(chain: TestChain): BlockContext {
  return makeHeader(chain.number)
}
