import fc from 'fast-check'
import { type Address, type Hex, stringToHex } from 'viem'
import { compileSolidityFile } from '../../../../src/index.js'
import { FIXTURES_DIR } from '../../helpers.js'
import type { DualEngineChain, FuzzCall } from './dualEngineChain.js'
import { type Artifact, actors, amount, callData, callsTo, deploy, FRESH, ZERO } from './values.js'

/** OpenZeppelin 5.x ERC20 and ERC721 (mint/burn exposed) and an ERC721 receiver, compiled from `FuzzTokens.sol`. */
export type TokenArtifacts = { erc20: Artifact; erc721: Artifact; receiver: Artifact }

export async function compileFuzzTokens(): Promise<TokenArtifacts> {
  const { contracts } = await compileSolidityFile(`${FIXTURES_DIR}FuzzTokens.sol`)
  const get = (name: string): Artifact => {
    const c = contracts[name]
    if (!c) throw new Error(`FuzzTokens.sol: no ${name}`)
    return c
  }
  return { erc20: get('FuzzERC20'), erc721: get('FuzzERC721'), receiver: get('FuzzReceiver') }
}

/**
 * Deploys the OpenZeppelin ERC20 and gives every actor tokens; the calls: transfer, approve,
 * transferFrom, mint, burn, burnFrom and the views, to actors, the zero address, contracts, a fresh account.
 */
export async function setupERC20(
  chain: DualEngineChain,
  a: TokenArtifacts,
): Promise<fc.Arbitrary<FuzzCall[]>> {
  const [owner] = actors as [Address]
  const token = await deploy(chain, owner, a.erc20)
  await chain.block(
    actors.map((to) => ({
      from: owner,
      to: token,
      data: callData(a.erc20, 'mint', [to, 10n ** 24n]),
      gas: 200_000n,
    })),
  )
  const who = fc.constantFrom(...actors, ZERO, token, FRESH)
  const abi = a.erc20
  const data: fc.Arbitrary<Hex> = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(who, amount).map(([to, v]) => callData(abi, 'transfer', [to, v])) },
    { weight: 2, arbitrary: fc.tuple(who, amount).map(([s, v]) => callData(abi, 'approve', [s, v])) },
    {
      weight: 3,
      arbitrary: fc.tuple(who, who, amount).map(([f, to, v]) => callData(abi, 'transferFrom', [f, to, v])),
    },
    fc.tuple(who, amount).map(([to, v]) => callData(abi, 'mint', [to, v])),
    fc.tuple(amount).map(([v]) => callData(abi, 'burn', [v])),
    fc.tuple(who, amount).map(([f, v]) => callData(abi, 'burnFrom', [f, v])),
    who.map((x) => callData(abi, 'balanceOf', [x])),
    fc.tuple(who, who).map(([o, s]) => callData(abi, 'allowance', [o, s])),
    fc.constantFrom('totalSupply', 'name', 'symbol', 'decimals').map((f) => callData(abi, f)),
  )
  return callsTo(token, data)
}

/**
 * Deploys the OpenZeppelin ERC721 and a receiver; the calls: safe mints (to EOAs, the receiver, a contract
 * that is not one, the zero address), transfers (plain and safe, with data the receiver refuses or answers
 * wrongly), approvals, burns and the views (tokenURI formats the id).
 */
export async function setupERC721(
  chain: DualEngineChain,
  a: TokenArtifacts,
): Promise<fc.Arbitrary<FuzzCall[]>> {
  const [owner] = actors as [Address]
  const nft = await deploy(chain, owner, a.erc721)
  const receiver = await deploy(chain, owner, a.receiver)
  // Each actor starts with two tokens (ids 2i and 2i + 1).
  await chain.block(
    actors.flatMap((to, i) =>
      [2 * i, 2 * i + 1].map((id) => ({
        from: owner,
        to: nft,
        data: callData(a.erc721, 'mint', [to, BigInt(id)]),
        gas: 300_000n,
      })),
    ),
  )
  const who = fc.constantFrom(...actors, ZERO, nft, receiver, FRESH)
  const id = fc.oneof(
    { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 12n }) },
    fc.constantFrom(2n ** 255n, (1n << 256n) - 1n),
  )
  const extra: fc.Arbitrary<Hex> = fc.constantFrom('0x', stringToHex('no'), stringToHex('bad'), '0x1234')
  const abi = a.erc721
  const data: fc.Arbitrary<Hex> = fc.oneof(
    { weight: 2, arbitrary: fc.tuple(who, id).map(([to, t]) => callData(abi, 'mint', [to, t])) },
    {
      weight: 3,
      arbitrary: fc.tuple(who, who, id).map(([f, to, t]) => callData(abi, 'transferFrom', [f, to, t])),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(who, who, id, extra)
        .map(([f, to, t, d]) => callData(abi, 'safeTransferFrom', [f, to, t, d])),
    },
    fc.tuple(who, who, id).map(([f, to, t]) => callData(abi, 'safeTransferFrom', [f, to, t])),
    fc.tuple(who, id).map(([to, t]) => callData(abi, 'approve', [to, t])),
    fc.tuple(who, fc.boolean()).map(([op, on]) => callData(abi, 'setApprovalForAll', [op, on])),
    id.map((t) => callData(abi, 'burn', [t])),
    id.map((t) => callData(abi, 'ownerOf', [t])),
    id.map((t) => callData(abi, 'tokenURI', [t])),
    id.map((t) => callData(abi, 'getApproved', [t])),
    who.map((x) => callData(abi, 'balanceOf', [x])),
    fc.tuple(who, who).map(([o, op]) => callData(abi, 'isApprovedForAll', [o, op])),
    fc
      .constantFrom('0x80ac58cd', '0x01ffc9a7', '0xffffffff', '0x5b5e139f')
      .map((i) => callData(abi, 'supportsInterface', [i])),
    fc.constantFrom('name', 'symbol').map((f) => callData(abi, f)),
  )
  return callsTo(nft, data)
}
