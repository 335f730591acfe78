import { poseidon7 } from 'poseidon-lite/poseidon7'
import { keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import {
  dataHashToField,
  type ExitLeafMessage,
  exitLeafHash,
  exitLeafHashOfDataHash,
  SNARK_SCALAR_FIELD,
} from '../../src/index.js'

const message: ExitLeafMessage = {
  srcSpn: 1n,
  position: 7n,
  dstSpn: 2n,
  to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  sender: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  value: 10n ** 18n,
  data: '0xdeadbeef',
}

describe('exitLeafHash', () => {
  it('is Poseidon7 over the documented field encoding', () => {
    expect(exitLeafHash(message)).toBe(
      poseidon7([
        1n,
        7n,
        2n,
        0x70997970c51812dc3a010c7d01b50e0d17dc79c8n,
        0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266n,
        10n ** 18n,
        dataHashToField('0xdeadbeef'),
      ]),
    )
    expect(dataHashToField('0xdeadbeef')).toBeLessThan(SNARK_SCALAR_FIELD)
  })

  it('keeps the value it had before it took core ExitMessage field names (pinned)', () => {
    expect(exitLeafHash(message)).toBe(
      8441187773821148264073509973435268805242070559945497969351813542162181254904n,
    )
  })

  it('is the same leaf from the data’s keccak256 (what the SPN Mailbox hands its precompile)', () => {
    const { data, ...rest } = message
    expect(exitLeafHashOfDataHash({ ...rest, dataHash: keccak256(data) })).toBe(exitLeafHash(message))
    expect(exitLeafHashOfDataHash({ ...rest, dataHash: keccak256('0x00') })).not.toBe(exitLeafHash(message))
  })

  it('changes with every field', () => {
    const base = exitLeafHash(message)
    const variants: Partial<ExitLeafMessage>[] = [
      { srcSpn: 3n },
      { position: 8n },
      { dstSpn: 1n },
      { to: message.sender },
      { sender: message.to },
      { value: 1n },
      { data: '0xdeadbeee' },
    ]
    for (const v of variants) expect(exitLeafHash({ ...message, ...v })).not.toBe(base)
  })

  it('rejects values outside the encoding', () => {
    expect(() => exitLeafHash({ ...message, value: SNARK_SCALAR_FIELD })).toThrow(
      /Parameter "value" is invalid/,
    )
    expect(() => exitLeafHash({ ...message, position: -1n })).toThrow(/"position"/)
    expect(() => exitLeafHash({ ...message, srcSpn: 2n ** 64n })).toThrow(/unsigned 64-bit/)
    expect(() => exitLeafHash({ ...message, to: '0x1234' })).toThrow(/"to"/)
    expect(() => exitLeafHash({ ...message, to: '0x1234' })).toThrow(
      expect.objectContaining({ code: 'PARAMETER_INVALID' }),
    )
  })
})
