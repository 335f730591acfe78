/**
 * The contract workloads of `bench:dual-vm` beyond the ERC20 transfer and the keccak loop: ERC20
 * transferFrom with an allowance, a Uniswap V2 swap (the v2-core pair and factory artifacts from npm, one
 * swap per transaction through a small router), WETH9 deposit and withdraw (v2-periphery's artifact), and
 * a contract deployment. Each sets its contracts up with ordinary transactions, then gives the timed
 * transactions one by one.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Receipt } from '@rollup-mesh/core'
import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  maxUint256,
  numberToHex,
  parseEther,
} from 'viem'
import { compileSolidity } from '../src/index.js'

/** The contract addresses of a setup block's receipts. */
const created = (receipts: Receipt[]) => receipts.map((r) => r.contractAddress as Address)

/** What a workload may do while it sets up: run a block of transactions, build one. */
export type SetupContext = {
  senders: readonly Address[]
  /** Runs one block; every transaction must succeed. Returns the receipts. */
  run: (
    txs: { from: Address; to: Address | null; data: Hex; gas: bigint; value?: bigint }[],
  ) => Promise<Receipt[]>
}

/** One timed transaction: its target, data, value and gas limit. */
export type Call = { to: Address | null; data: Hex; value?: bigint; gas: bigint }

export type ContractWorkload = {
  name: string
  setup: (ctx: SetupContext) => Promise<(from: Address, j: number, round: number) => Call>
}

const require = createRequire(import.meta.url)
type Artifact = { abi: Abi; bytecode: Hex }
function artifact(path: string): Artifact {
  const json = JSON.parse(readFileSync(require.resolve(path), 'utf8')) as {
    abi: Abi
    bytecode?: string
    evm?: { bytecode: { object: string } }
  }
  const code = json.evm?.bytecode.object ?? json.bytecode ?? ''
  return { abi: json.abi, bytecode: (code.startsWith('0x') ? code : `0x${code}`) as Hex }
}

const deploy = (a: Artifact, args: readonly unknown[] = []) =>
  encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args })
const call = (a: { abi: Abi }, functionName: string, args: readonly unknown[] = []) =>
  encodeFunctionData({ abi: a.abi, functionName, args })

/** ERC20 `transferFrom` by a spender within a finite allowance (the allowance slot is written too). */
export function transferFromWorkload(token: Artifact): ContractWorkload {
  return {
    name: 'EVM ERC20 transferFrom (allowance)',
    setup: async ({ senders, run }) => {
      const [owner] = senders as [Address]
      const [address] = created(
        await run([
          { from: owner, to: null, data: deploy(token, ['Token', 'TKN', 10n ** 30n]), gas: 5_000_000n },
        ]),
      ) as [Address]
      // Every sender holds tokens and lets the one before it spend them (a large but finite allowance).
      await run(
        senders.slice(1).map((s) => ({
          from: owner,
          to: address,
          data: call(token, 'transfer', [s, 10n ** 24n]),
          gas: 100_000n,
        })),
      )
      await run(
        senders.map((s, i) => ({
          from: s,
          to: address,
          data: call(token, 'approve', [senders[(i + senders.length - 1) % senders.length], 10n ** 24n]),
          gas: 100_000n,
        })),
      )
      // The spender of sender i's tokens is sender i + 1.
      return (from, j) => {
        const i = senders.indexOf(from)
        const owner = senders[(i + 1) % senders.length] as Address
        return {
          to: address,
          data: call(token, 'transferFrom', [owner, numberToHex(0x300000 + j, { size: 20 }), 1n]),
          gas: 120_000n,
        }
      }
    },
  }
}

const SWAP_ROUTER = `pragma solidity ^0.8.0;
interface IERC20 { function transferFrom(address, address, uint256) external returns (bool); }
interface IPair {
  function getReserves() external view returns (uint112, uint112, uint32);
  function token0() external view returns (address);
  function swap(uint256, uint256, address, bytes calldata) external;
}
/// One Uniswap V2 swap per call, as the periphery router's swapExactTokensForTokens does for one pair.
contract SwapRouter {
  function swap(address pair, address tokenIn, uint256 amountIn, address to) external {
    (uint112 r0, uint112 r1, ) = IPair(pair).getReserves();
    bool zeroIn = IPair(pair).token0() == tokenIn;
    (uint256 rIn, uint256 rOut) = zeroIn ? (uint256(r0), uint256(r1)) : (uint256(r1), uint256(r0));
    uint256 out = (amountIn * 997 * rOut) / (rIn * 1000 + amountIn * 997);
    IERC20(tokenIn).transferFrom(msg.sender, pair, amountIn);
    IPair(pair).swap(zeroIn ? 0 : out, zeroIn ? out : 0, to, "");
  }
}`

/** A Uniswap V2 swap: v2-core's factory, pair and test ERC20s; senders swap both ways in turn. */
export async function uniswapWorkload(): Promise<ContractWorkload> {
  const factory = artifact('@uniswap/v2-core/build/UniswapV2Factory.json')
  const pair = artifact('@uniswap/v2-core/build/UniswapV2Pair.json')
  const erc20 = artifact('@uniswap/v2-core/build/ERC20.json')
  const router = (await compileSolidity({ sources: { 'SwapRouter.sol': SWAP_ROUTER } })).contracts
    .SwapRouter as Artifact
  return {
    name: 'EVM Uniswap V2 swap',
    setup: async ({ senders, run }) => {
      const [owner] = senders as [Address]
      const [f, a, b, r] = created(
        await run([
          { from: owner, to: null, data: deploy(factory, [owner]), gas: 6_000_000n },
          { from: owner, to: null, data: deploy(erc20, [10n ** 36n]), gas: 3_000_000n },
          { from: owner, to: null, data: deploy(erc20, [10n ** 36n]), gas: 3_000_000n },
          { from: owner, to: null, data: deploy(router), gas: 3_000_000n },
        ]),
      ) as [Address, Address, Address, Address]
      const [pairCreated] = await run([
        { from: owner, to: f, data: call(factory, 'createPair', [a, b]), gas: 5_000_000n },
      ])
      // PairCreated(token0, token1, pair, n): the pair is the first data word.
      const pairAddress = `0x${pairCreated?.logs[0]?.data.slice(26, 66)}` as Address
      // Liquidity, then tokens and router approvals for every sender.
      await run([
        { from: owner, to: a, data: call(erc20, 'transfer', [pairAddress, 10n ** 30n]), gas: 100_000n },
        { from: owner, to: b, data: call(erc20, 'transfer', [pairAddress, 10n ** 30n]), gas: 100_000n },
        { from: owner, to: pairAddress, data: call(pair, 'mint', [owner]), gas: 500_000n },
      ])
      await run(
        senders.slice(1).flatMap((s) => [
          { from: owner, to: a, data: call(erc20, 'transfer', [s, 10n ** 30n]), gas: 100_000n },
          { from: owner, to: b, data: call(erc20, 'transfer', [s, 10n ** 30n]), gas: 100_000n },
        ]),
      )
      await run(
        senders.flatMap((s) => [
          { from: s, to: a, data: call(erc20, 'approve', [r, maxUint256]), gas: 100_000n },
          { from: s, to: b, data: call(erc20, 'approve', [r, maxUint256]), gas: 100_000n },
        ]),
      )
      return (from, _j, round) => ({
        to: r,
        data: call(router, 'swap', [pairAddress, round % 2 === 0 ? a : b, parseEther('1'), from]),
        gas: 200_000n,
      })
    },
  }
}

/** WETH9 (v2-periphery's artifact): each sender deposits, then withdraws what it deposited, in turn. */
export function wethWorkload(): ContractWorkload {
  const weth = artifact('@uniswap/v2-periphery/build/WETH9.json')
  return {
    name: 'EVM WETH deposit + withdraw',
    setup: async ({ senders, run }) => {
      const [address] = created(
        await run([{ from: senders[0] as Address, to: null, data: deploy(weth), gas: 3_000_000n }]),
      ) as [Address]
      return (_from, _j, round) =>
        round % 2 === 0
          ? { to: address, data: call(weth, 'deposit'), value: 10n ** 15n, gas: 100_000n }
          : { to: address, data: call(weth, 'withdraw', [10n ** 15n]), gas: 100_000n }
    },
  }
}

/** A contract deployment per transaction: the example token (constructor, storage, code deposit). */
export function deploymentWorkload(token: Artifact): ContractWorkload {
  return {
    name: 'EVM contract deployment (Token.sol)',
    setup: async () => () => ({
      to: null,
      data: deploy(token, ['Token', 'TKN', 10n ** 24n]),
      gas: 3_000_000n,
    }),
  }
}
