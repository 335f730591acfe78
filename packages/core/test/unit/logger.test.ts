import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/index.js'

describe('createLogger', () => {
  it('writes structured lines with child context', async () => {
    const lines: string[] = []
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString())
        cb()
      },
    })
    const log = createLogger({ name: 'spn1', destination })
    log.child({ module: 'executor' }).info({ block: 7, txs: 3 }, 'block sealed')
    const line = JSON.parse(lines[0]!)
    expect(line).toMatchObject({ name: 'spn1', module: 'executor', block: 7, txs: 3, msg: 'block sealed' })
  })

  it('drops lines below its level', () => {
    const lines: string[] = []
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString())
        cb()
      },
    })
    const log = createLogger({ level: 'warn', destination })
    log.info('ignored')
    log.warn('kept')
    expect(lines).toHaveLength(1)
  })
})
