/**
 * The gas schedule the fast engine runs (Cancun through Osaka; the values of ethereumjs's params for
 * those forks). Gas is a JS number: no transaction holds more than 2^53.
 */
export const G = {
  zero: 0,
  base: 2,
  verylow: 3,
  low: 5,
  mid: 8,
  high: 10,
  jumpdest: 1,
  exp: 10,
  expByte: 50,
  keccak: 30,
  keccakWord: 6,
  copyWord: 3,
  blockhash: 20,
  warmRead: 100,
  coldAccount: 2600,
  coldSload: 2100,
  sstoreSet: 20_000,
  sstoreReset: 2900,
  sstoreClearRefund: 4800,
  sstoreSentry: 2300,
  log: 375,
  logTopic: 375,
  logData: 8,
  create: 32_000,
  initcodeWord: 2,
  callValue: 9000,
  callStipend: 2300,
  newAccount: 25_000,
  selfdestruct: 5000,
  codeDeposit: 200,
} as const

/** EIP-170 / EIP-3860 size limits. */
export const MAX_CODE_SIZE = 24_576
export const MAX_INITCODE_SIZE = 2 * MAX_CODE_SIZE

/** The static gas of every opcode (undefined: not an opcode in these forks). Dynamic parts are added by the handler. */
export const STATIC_GAS: (number | undefined)[] = (() => {
  const t: (number | undefined)[] = new Array(256).fill(undefined)
  const set = (from: number, to: number, gas: number) => {
    for (let op = from; op <= to; op++) t[op] = gas
  }
  t[0x00] = G.zero
  set(0x01, 0x01, G.verylow)
  set(0x02, 0x02, G.low)
  set(0x03, 0x03, G.verylow)
  set(0x04, 0x07, G.low)
  set(0x08, 0x09, G.mid)
  t[0x0a] = G.exp
  t[0x0b] = G.low
  set(0x10, 0x1d, G.verylow)
  t[0x1e] = G.low // CLZ (EIP-7939, Osaka): the interpreter refuses it before Osaka
  t[0x20] = G.keccak
  t[0x30] = G.base
  t[0x31] = 0
  set(0x32, 0x34, G.base)
  t[0x35] = G.verylow
  t[0x36] = G.base
  t[0x37] = G.verylow
  t[0x38] = G.base
  t[0x39] = G.verylow
  t[0x3a] = G.base
  t[0x3b] = 0
  t[0x3c] = 0
  t[0x3d] = G.base
  t[0x3e] = G.verylow
  t[0x3f] = 0
  t[0x40] = G.blockhash
  set(0x41, 0x48, G.base)
  t[0x47] = G.low // SELFBALANCE
  t[0x49] = G.verylow
  t[0x4a] = G.base
  t[0x50] = G.base
  set(0x51, 0x53, G.verylow)
  t[0x54] = 0
  t[0x55] = 0
  t[0x56] = G.mid
  t[0x57] = G.high
  set(0x58, 0x5a, G.base)
  t[0x5b] = G.jumpdest
  set(0x5c, 0x5d, G.warmRead)
  t[0x5e] = G.verylow
  t[0x5f] = G.base
  set(0x60, 0x9f, G.verylow)
  set(0xa0, 0xa4, G.log)
  t[0xf0] = G.create
  set(0xf1, 0xf2, 0)
  t[0xf3] = 0
  t[0xf4] = 0
  t[0xf5] = G.create
  t[0xfa] = 0
  t[0xfd] = 0
  t[0xfe] = 0
  t[0xff] = G.selfdestruct
  return t
})()

/** Gas and refund change of an SSTORE (EIP-2200 as amended by EIP-2929 and EIP-3529), cold surcharge excluded. */
export function sstoreCost(original: bigint, current: bigint, next: bigint): { gas: number; refund: number } {
  if (current === next) return { gas: G.warmRead, refund: 0 }
  if (original === current) {
    if (original === 0n) return { gas: G.sstoreSet, refund: 0 }
    return { gas: G.sstoreReset, refund: next === 0n ? G.sstoreClearRefund : 0 }
  }
  let refund = 0
  if (original !== 0n) {
    if (current === 0n) refund -= G.sstoreClearRefund
    else if (next === 0n) refund += G.sstoreClearRefund
  }
  if (original === next) {
    refund += original === 0n ? G.sstoreSet - G.warmRead : G.sstoreReset - G.warmRead
  }
  return { gas: G.warmRead, refund }
}

/** All but one 64th (EIP-150): the most gas a CALL or CREATE can pass on. */
export function allButOne64th(gas: number): number {
  return gas - Math.floor(gas / 64)
}

/** Words of 32 bytes covering `size` bytes. */
export function words(size: number): number {
  return Math.ceil(size / 32)
}
