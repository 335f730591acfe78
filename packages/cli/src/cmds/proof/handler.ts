import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { formatEther } from 'viem'
import { targetOf } from '../../mesh/spns.js'
import { requireState, resolveDataDir } from '../../mesh/state.js'
import { createOut } from '../../output.js'
import { exportBundle } from './export.js'
import { findMessage, parseMessageRef } from './find.js'
import type { ProofExportOptions } from './options.js'

/** `mesh proof export`: finds the message, exports its bundle, writes the JSON, prints a summary. */
export async function proofExportHandler(options: ProofExportOptions): Promise<number> {
  const out = createOut(options.json)
  const ref = parseMessageRef(options.message)
  const state = requireState(resolveDataDir(options.dataDir))
  const found = await findMessage(state, ref, options)
  const src = targetOf(found.net)
  const { bundle, settlementIndex, mainnetBlock } = await exportBundle({
    state,
    src,
    position: found.position,
    batch: found.batch,
  })
  const file = resolve(options.output ?? `bundle-${found.net.name}-${found.position}.json`)
  writeFileSync(file, `${JSON.stringify(bundle, null, 2)}\n`)
  const m = bundle.message
  out.line(`Wrote ${file}`)
  out.line(
    `  message     ${found.net.name}:${m.position} → spn${m.dstSpn} (Mailbox message #${m.messageIndex})`,
  )
  out.line(`  from → to   ${m.sender} → ${m.to}`)
  out.line(
    `  value       ${formatEther(BigInt(m.value))} ETH, data ${m.data.length > 42 ? `${m.data.slice(0, 42)}…` : m.data}`,
  )
  out.line(`  source      block ${m.sourceBlock}, tx ${m.sourceTxHash}`)
  out.line(
    `  settled     settlement #${settlementIndex} of ${found.net.name}, accepted in main net block ${mainnetBlock}`,
  )
  if (bundle.delivery)
    out.line(
      `  delivery    ${bundle.delivery.status} on ${bundle.delivery.network}, block ${bundle.delivery.blockNumber}, tx ${bundle.delivery.transactionHash}`,
    )
  out.line(`Check it offline: mesh proof verify ${options.output ?? file}`)
  out.result({
    file,
    message: m,
    settlementIndex,
    mainnetBlock,
    ...(bundle.delivery ? { delivery: bundle.delivery } : {}),
  })
  return 0
}
