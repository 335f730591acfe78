/**
 * Prints the dev accounts every rollup-mesh network pre-funds: the same ten
 * anvil derives from `test test ... junk`.
 *
 *   npx tsx --conditions source examples/scripts/dev-accounts.ts
 */
import { devAccounts } from '@rollup-mesh/core'

for (const { index, address, privateKey } of devAccounts()) {
  console.log(`(${index}) ${address}  ${privateKey}`)
}
