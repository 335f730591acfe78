import fc from 'fast-check'
import type { Address, Hex } from 'viem'
import type { DualEngineChain, FuzzCall } from './dualEngineChain.js'
import {
  actors,
  amount,
  callData,
  callsTo,
  callValue,
  deploy,
  FRESH,
  gasLimit,
  mangled,
  npmArtifact,
  ZERO,
} from './values.js'

/**
 * Uniswap V2 core from its npm artifacts: the factory, two of v2-core's test ERC20s, their pair with
 * liquidity. The calls: token transfers (to the pair, to actors), approvals, a transfer into the pair
 * followed by a swap of a fraction of it, mint, burn (LP tokens sent to the pair first), swap with and
 * without callback data, sync, skim, permit with a random signature (ecrecover), new pairs (CREATE2),
 * the fee switch, and the views.
 */
export async function setupUniswap(chain: DualEngineChain): Promise<fc.Arbitrary<FuzzCall[]>> {
  const factory = npmArtifact('@uniswap/v2-core/build/UniswapV2Factory.json')
  const pairArtifact = npmArtifact('@uniswap/v2-core/build/UniswapV2Pair.json')
  const erc20 = npmArtifact('@uniswap/v2-core/build/ERC20.json')
  const [owner] = actors as [Address]
  const f = await deploy(chain, owner, factory, [owner])
  const tokenA = await deploy(chain, owner, erc20, [10n ** 30n])
  const tokenB = await deploy(chain, owner, erc20, [10n ** 30n])
  const [created] = await chain.block([
    { from: owner, to: f, data: callData(factory, 'createPair', [tokenA, tokenB]), gas: 5_000_000n },
  ])
  // PairCreated(token0, token1, pair, n): the pair is the first data word.
  const pair = `0x${created?.logs[0]?.data.slice(26, 66)}` as Address
  const transfer = (token: Address, to: Address, v: bigint) => ({
    from: owner,
    to: token,
    data: callData(erc20, 'transfer', [to, v]),
    gas: 100_000n,
  })
  await chain.block([
    ...actors.slice(1).flatMap((s) => [transfer(tokenA, s, 10n ** 27n), transfer(tokenB, s, 10n ** 27n)]),
    transfer(tokenA, pair, 10n ** 24n),
    transfer(tokenB, pair, 10n ** 24n),
    { from: owner, to: pair, data: callData(pairArtifact, 'mint', [owner]), gas: 500_000n },
  ])

  const token = fc.constantFrom(tokenA, tokenB, pair)
  const who = fc.constantFrom(...actors, pair, ZERO, FRESH, tokenA)
  const small = fc.oneof({ weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 21n }) }, amount)
  const from = fc.constantFrom(...actors)
  const one = (to: fc.Arbitrary<Address>, data: fc.Arbitrary<Hex>) =>
    fc
      .record({ from, to, data: mangled(data), value: callValue, gas: gasLimit })
      .map((c) => [c] as FuzzCall[])
  const pairCall = (data: fc.Arbitrary<Hex>) => callsTo(pair, data)
  // Tokens into the pair, then a swap out of the other side: `permille` of the input (997 is the fee edge).
  const swapIn = fc
    .record({
      from,
      tokenIn: fc.constantFrom(tokenA, tokenB),
      amountIn: fc.bigInt({ min: 1n, max: 10n ** 21n }),
      permille: fc.constantFrom(0n, 500n, 990n, 996n, 997n, 1000n),
      to: who,
      gas: gasLimit,
    })
    .map(({ from, tokenIn, amountIn, permille, to, gas }): FuzzCall[] => {
      const out = (amountIn * permille) / 1000n
      // token0 is the lower address.
      const zeroIn = tokenIn.toLowerCase() < (tokenIn === tokenA ? tokenB : tokenA).toLowerCase()
      return [
        { from, to: tokenIn, data: callData(erc20, 'transfer', [pair, amountIn]), gas: 100_000n },
        {
          from,
          to: pair,
          data: callData(pairArtifact, 'swap', [zeroIn ? 0n : out, zeroIn ? out : 0n, to, '0x']),
          gas,
        },
      ]
    })
  const permit = fc
    .tuple(
      who,
      who,
      small,
      fc.bigInt({ min: 0n, max: 2n ** 40n }),
      fc.constantFrom(27, 28, 0),
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
    )
    .map(([o, s, v, deadline, recovery, sig]) => {
      const hex = Buffer.from(sig).toString('hex')
      return callData(erc20, 'permit', [
        o,
        s,
        v,
        deadline,
        recovery,
        `0x${hex.slice(0, 64)}`,
        `0x${hex.slice(64)}`,
      ])
    })
  return fc.oneof(
    { weight: 3, arbitrary: swapIn },
    {
      weight: 3,
      arbitrary: one(
        token,
        fc.tuple(who, small).map(([to, v]) => callData(erc20, 'transfer', [to, v])),
      ),
    },
    one(
      token,
      fc.tuple(who, small).map(([s, v]) => callData(erc20, 'approve', [s, v])),
    ),
    one(
      token,
      fc.tuple(who, who, small).map(([a, b, v]) => callData(erc20, 'transferFrom', [a, b, v])),
    ),
    one(token, permit),
    pairCall(who.map((to) => callData(pairArtifact, 'mint', [to]))),
    pairCall(who.map((to) => callData(pairArtifact, 'burn', [to]))),
    {
      weight: 2,
      arbitrary: pairCall(
        fc
          .tuple(small, small, who, fc.constantFrom<Hex>('0x', '0x01'))
          .map(([a0, a1, to, d]) => callData(pairArtifact, 'swap', [a0, a1, to, d])),
      ),
    },
    pairCall(fc.constant(callData(pairArtifact, 'sync'))),
    pairCall(who.map((to) => callData(pairArtifact, 'skim', [to]))),
    pairCall(
      fc
        .constantFrom(
          'getReserves',
          'price0CumulativeLast',
          'price1CumulativeLast',
          'kLast',
          'totalSupply',
          'MINIMUM_LIQUIDITY',
        )
        .map((fn) => callData(pairArtifact, fn)),
    ),
    callsTo(
      f,
      fc.tuple(who, who).map(([x, y]) => callData(factory, 'createPair', [x, y])),
    ),
    callsTo(
      f,
      who.map((to) => callData(factory, 'setFeeTo', [to])),
    ),
    callsTo(
      f,
      fc.tuple(who, who).map(([x, y]) => callData(factory, 'getPair', [x, y])),
    ),
    callsTo(f, fc.constant(callData(factory, 'allPairsLength'))),
  )
}

/** WETH9 (v2-periphery's artifact): deposit, withdraw (ether back to the sender), plain sends, ERC20 calls. */
export async function setupWETH(chain: DualEngineChain): Promise<fc.Arbitrary<FuzzCall[]>> {
  const weth = npmArtifact('@uniswap/v2-periphery/build/WETH9.json')
  const [owner] = actors as [Address]
  const address = await deploy(chain, owner, weth)
  const who = fc.constantFrom(...actors, ZERO, address, FRESH)
  const wei = fc.oneof(
    { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 19n }) },
    fc.constantFrom(0n, 1n, 10n ** 18n),
  )
  const withdrawable = fc.oneof({ weight: 4, arbitrary: wei }, amount)
  const from = fc.constantFrom(...actors)
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({ from, value: wei, gas: gasLimit })
        .map((c): FuzzCall[] => [{ ...c, to: address, data: callData(weth, 'deposit') }]),
    },
    fc
      .record({ from, value: wei, gas: gasLimit })
      .map((c): FuzzCall[] => [{ ...c, to: address, data: '0x' }]),
    {
      weight: 3,
      arbitrary: callsTo(
        address,
        withdrawable.map((v) => callData(weth, 'withdraw', [v])),
      ),
    },
    callsTo(
      address,
      fc.tuple(who, withdrawable).map(([to, v]) => callData(weth, 'transfer', [to, v])),
    ),
    callsTo(
      address,
      fc.tuple(who, withdrawable).map(([s, v]) => callData(weth, 'approve', [s, v])),
    ),
    callsTo(
      address,
      fc.tuple(who, who, withdrawable).map(([a, b, v]) => callData(weth, 'transferFrom', [a, b, v])),
    ),
    callsTo(
      address,
      who.map((x) => callData(weth, 'balanceOf', [x])),
    ),
    callsTo(
      address,
      fc.constantFrom('totalSupply', 'name', 'decimals').map((fn) => callData(weth, fn)),
    ),
  )
}
