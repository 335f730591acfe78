import { readFileSync } from 'node:fs'

/**
 * Settlements spn1 made in [from, to] (epoch ms), from its JSON log: every batch attested (`count`; a batch
 * without exit leaves needs no proof), those that needed a proof (`proved`) and their mean prove time.
 */
export function settlementsIn(
  logFile: string,
  from: number,
  to: number,
): { count: number; proved: number; meanProveMs: number } {
  let count = 0
  let proved = 0
  let total = 0
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"msg":"settlement ')) continue
    try {
      const m = JSON.parse(line) as { time: number; msg: string; provedMs?: number }
      if (m.time < from || m.time > to) continue
      // service.ts logs one line per attested batch; settlementProof.ts one per proof, with its time.
      if (m.msg.startsWith('settlement attested') || m.msg === 'settlement proved and attested') count++
      if (m.msg === 'settlement proved') {
        proved++
        total += m.provedMs ?? 0
      }
    } catch {}
  }
  return { count, proved, meanProveMs: proved ? total / proved : 0 }
}
