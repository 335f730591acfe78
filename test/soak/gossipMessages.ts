import {
  type BlockHeader,
  encodeHeader,
  encodeSettlement,
  encodeTx,
  MESSAGE_LIMITS,
  type SignedHeader,
  signHeader,
  signSettlement,
  type TopicKind,
} from '@rollup-mesh/p2p'
import { type Hex, keccak256, toHex } from 'viem'

const h = (label: string, n: bigint): Hex => keccak256(toHex(`${label}:${n}`))

/** Header `n` of the soak's gossip chain (fields derived from `n`), signed by `key`. */
export function soakHeader(network: string, n: bigint, key: Hex): Promise<SignedHeader> {
  const header: BlockHeader = {
    number: n,
    parentHash: n === 0n ? (`0x${'00'.repeat(32)}` as Hex) : h('block', n - 1n),
    stateRoot: h('state', n),
    txRoot: h('tx', n),
    receiptsRoot: h('receipts', n),
    exitRoot: h('exit', n),
    timestamp: 1_700_000_000n + n,
    gasLimit: 30_000_000n,
    gasUsed: 21_000n,
    baseFee: 1_000_000_000n,
  }
  return signHeader(network, header, key)
}

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const LIMIT: Record<TopicKind, number> = {
  headers: MESSAGE_LIMITS.header,
  settlements: MESSAGE_LIMITS.settlement,
  txs: MESSAGE_LIMITS.tx,
  consensus: MESSAGE_LIMITS.consensus + 16,
  proposals: MESSAGE_LIMITS.proposal,
}

/** The kinds of hostile gossip the flood cycles through. */
export const HOSTILE_KINDS = ['random', 'oversized', 'truncated', 'wrongly-signed', 'replayed'] as const
export type HostileKind = (typeof HOSTILE_KINDS)[number]

/**
 * One hostile gossip payload of `kind` for `topic` (`replayed` re-sends captured honest bytes as they
 * were: gossipsub's seen-cache must drop it without delivering it twice).
 */
export async function hostilePayload(
  kind: HostileKind,
  network: string,
  topic: TopicKind,
  n: number,
  next: () => number,
  ownKey: Hex,
  captured: Uint8Array[],
): Promise<Uint8Array> {
  const bytes = (len: number) => Uint8Array.from({ length: len }, () => Math.floor(next() * 256))
  if (kind === 'random') return bytes(1 + Math.floor(next() * 300))
  // over the topic's limit, under gossipsub's 1 MiB frame cap (the frame must arrive to be judged)
  // (filled, not drawn byte by byte: a 1 MiB loop per message would make the attacker's own CPU the load)
  if (kind === 'oversized') {
    const out = new Uint8Array(Math.min(LIMIT[topic] + 1 + Math.floor(next() * 64), 1000 * 1024))
    return out.fill(Math.floor(next() * 256)).fill(0xc0, 0, 1)
  }
  if (kind === 'replayed' && captured.length)
    return captured[Math.floor(next() * captured.length)] as Uint8Array
  const key = `${network}/${topic}/${n % 8}`
  let signed = signedCache.get(key)
  if (!signed) {
    signed = await wronglySigned(network, topic, n, bytes, ownKey)
    signedCache.set(key, signed)
  }
  if (kind === 'truncated') return signed.subarray(0, Math.max(1, Math.floor(signed.length * next())))
  // wrongly signed: a well-formed header/settlement by a key that is not the producer's; on the consensus
  // topics the header bytes are a well-formed message of the wrong type
  return signed
}

/** Eight signed messages per network and topic, reused: signing is the flood's own CPU, not the nodes'. */
const signedCache = new Map<string, Uint8Array>()

async function wronglySigned(
  network: string,
  topic: TopicKind,
  n: number,
  bytes: (len: number) => Uint8Array,
  ownKey: Hex,
): Promise<Uint8Array> {
  if (topic === 'txs') return encodeTx(`0x02${Buffer.from(bytes(120)).toString('hex')}` as Hex)
  if (topic !== 'settlements') return encodeHeader(await soakHeader(network, BigInt(1_000_000 + n), ownKey))
  const word = (label: string) => h(label, BigInt(n))
  const settlement = {
    spnId: BigInt(n),
    fromBlock: 1n,
    toBlock: BigInt(n + 1),
    prevStateRoot: word('p'),
    newStateRoot: word('n'),
    prevExitRoot: word('pe'),
    newExitRoot: word('ne'),
    leaves: 0n,
    proof: '0x' as Hex,
    quote: '0x' as Hex,
  }
  return encodeSettlement(await signSettlement(network, settlement, ownKey))
}
