import { describe, expect, it } from 'vitest'
import { parseRoute, type Route, routeHref } from '../../src/app/lib/router.js'

const hash = `0x${'ab'.repeat(32)}`
describe('the hash router', () => {
  it.each<[string, Route]>([
    ['', { page: 'overview' }],
    ['#/', { page: 'overview' }],
    ['#/settlements', { page: 'settlements' }],
    ['#/messages/', { page: 'messages' }],
    ['#/validators', { page: 'validators' }],
    ['#/network/spn1', { page: 'network', network: 'spn1' }],
    ['#/network/spn1/block/12', { page: 'block', network: 'spn1', block: '12' }],
    [`#/network/mainnet/tx/${hash}`, { page: 'tx', network: 'mainnet', hash }],
    ['#/network/spn1/tx/0x12', { page: 'not-found', path: '/network/spn1/tx/0x12' }],
    ['#/elsewhere', { page: 'not-found', path: '/elsewhere' }],
  ])('%s', (h, route) => {
    expect(parseRoute(h)).toEqual(route)
    if (route.page !== 'not-found' && h.length > 2) expect(parseRoute(routeHref(route))).toEqual(route)
  })
})
