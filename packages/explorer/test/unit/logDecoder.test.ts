import { encodeAbiParameters, pad, parseAbi, toEventSelector } from 'viem'
import { describe, expect, it } from 'vitest'
import { decodeLog } from '../../src/app/lib/logDecoder.js'

const addr = (b: string) => `0x${b.repeat(20)}` as const

describe('decodeLog', () => {
  it('decodes an ERC-20 Transfer', () => {
    const log = {
      address: addr('33'),
      topics: [toEventSelector('Transfer(address,address,uint256)'), pad(addr('11')), pad(addr('22'))],
      data: encodeAbiParameters([{ type: 'uint256' }], [5n]),
    }
    expect(decodeLog(log)).toEqual({
      abi: 'ERC-20',
      event: 'Transfer',
      args: [
        ['from', addr('11')],
        ['to', addr('22')],
        ['value', '5'],
      ],
    })
  })

  it("decodes with the contract's recorded ABI first (mesh deploy), the known ones after", () => {
    const token = parseAbi([
      'event Minted(address indexed to, uint256 amount)',
      'event Transfer(address indexed from, address indexed to, uint256 value)',
    ])
    const minted = {
      address: addr('33'),
      topics: [toEventSelector('Minted(address,uint256)'), pad(addr('11'))],
      data: encodeAbiParameters([{ type: 'uint256' }], [9n]),
    }
    expect(decodeLog(minted)).toBeUndefined()
    expect(decodeLog(minted, { name: 'Token', abi: token })).toEqual({
      abi: 'Token',
      event: 'Minted',
      args: [
        ['to', addr('11')],
        ['amount', '9'],
      ],
    })
    const transfer = {
      address: addr('33'),
      topics: [toEventSelector('Transfer(address,address,uint256)'), pad(addr('11')), pad(addr('22'))],
      data: encodeAbiParameters([{ type: 'uint256' }], [5n]),
    }
    expect(decodeLog(transfer, { name: 'Token', abi: token })?.abi).toBe('Token')
    expect(decodeLog(transfer, { name: 'Other', abi: parseAbi(['function f()']) })?.abi).toBe('ERC-20')
  })

  it("decodes the SPN Mailbox's MessageSent", () => {
    const log = {
      address: addr('44'),
      topics: [
        toEventSelector('MessageSent(uint64,uint64,uint64,address,address,uint256,bytes)'),
        pad('0x07'),
        pad('0x02'),
        pad(addr('11')),
      ],
      data: encodeAbiParameters(
        [{ type: 'uint64' }, { type: 'address' }, { type: 'uint256' }, { type: 'bytes' }],
        [1n, addr('22'), 10n ** 18n, '0xabcd'],
      ),
    }
    const d = decodeLog(log)
    expect(d?.abi).toBe('SPN Mailbox')
    expect(Object.fromEntries(d?.args ?? [])).toMatchObject({
      index: '7',
      dstSpn: '2',
      value: String(10n ** 18n),
    })
  })

  it('leaves an unknown or malformed log undecoded', () => {
    expect(decodeLog({ address: addr('33'), topics: [pad('0x01')], data: '0x' })).toBeUndefined()
    // an ERC-721 Transfer (tokenId indexed, no data) is not an ERC-20 one
    const nft = {
      address: addr('33'),
      topics: [
        toEventSelector('Transfer(address,address,uint256)'),
        pad(addr('11')),
        pad(addr('22')),
        pad('0x05'),
      ],
      data: '0x',
    }
    expect(decodeLog(nft)).toBeUndefined()
    expect(decodeLog({ address: addr('33'), topics: [], data: '0x' })).toBeUndefined()
  })
})
