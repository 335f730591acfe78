import {
  blsKeyPairFromSeed,
  defaultTimeoutParams,
  type TimeoutParams,
  ValidatorSchedule,
  type ValidatorSet,
} from '@rollup-mesh/consensus'
import { type Address, concat, type Hex, hexToBytes } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import type { MainnetConfig } from '../config.js'
import { ConsensusConfigError } from './errors.js'
import { GovernedValidators } from './governedValidators.js'
import {
  blsSeedOf,
  type GenesisValidatorConfig,
  genesisValidatorOf,
  validatorSetOfConfig,
} from './validatorKeys.js'

/** This node's validator identity: its index in the genesis set (-1: not in it yet) and its BLS key pair. */
export type SelfValidator = { index: number; address: Address; secretKey: Uint8Array; publicKey: Uint8Array }

/** The main net's validators as the config gives them, checked. */
export type MainnetValidators = {
  genesis: GenesisValidatorConfig[]
  set: ValidatorSet
  schedule: ValidatorSchedule
  /** The schedule as governance changes it, with each set's config entries. */
  governed: GovernedValidators
  epochLength: number
  /** Undefined on a node that follows without voting. */
  self: SelfValidator | undefined
  timeouts: TimeoutParams
}

/**
 * The validator set, schedule, own key and timeouts from the main-net config: `consensus.validators`
 * (every proof of possession checked) or, when `consensus` is absent, this node alone (its BLS seed derived
 * with `blsSeedOf(validatorKey)`). A BLS seed whose genesis entry names another address than
 * `validatorKey`'s is refused with `ConsensusConfigError`; a seed whose key is not in the genesis set is a
 * validator-to-be (it votes from the height a governance change adds its key).
 */
export function mainnetValidators(config: MainnetConfig): MainnetValidators {
  const c = config.consensus
  const own = privateKeyToAddress(config.validatorKey).toLowerCase() as Address
  const genesis = c
    ? c.validators.map((v) => ({ ...v, address: v.address.toLowerCase() as Address }))
    : [genesisValidatorOf(config.validatorKey)]
  const set = validatorSetOfConfig(genesis)
  const epochLength = c?.epochLength ?? 100
  const schedule = new ValidatorSchedule(set, { firstHeight: 1, epochLength })
  const seed = c ? c.blsSeed : blsSeedOf(config.validatorKey)
  let self: SelfValidator | undefined
  if (seed) {
    const keys = blsKeyPairFromSeed(hexToBytes(seed))
    const index = set.indexOfKey(keys.publicKey)
    // A key outside the genesis set is a validator-to-be: it follows until governance adds it (the state
    // machine finds its index in each height's set by key).
    const address = index < 0 ? own : (set.validators[index]?.address.toLowerCase() as Address)
    if (address !== own)
      throw new ConsensusConfigError(
        `consensus.blsSeed is validator ${index} (${address}), but validatorKey is ${own}'s key.`,
        [
          '- Give each validator process its own validatorKey and blsSeed (genesisValidatorOf(validatorKey)).',
        ],
      )
    self = { index, address, ...keys }
  }
  const t = c?.timeouts
  const delta = t?.deltaMs
  const timeout = (kind: keyof TimeoutParams, ms: number | undefined) => ({
    baseMs: ms ?? defaultTimeoutParams[kind].baseMs,
    perRoundMs: delta ?? defaultTimeoutParams[kind].perRoundMs,
  })
  return {
    genesis,
    set,
    schedule,
    governed: new GovernedValidators(schedule, genesis),
    epochLength,
    self,
    timeouts: {
      propose: timeout('propose', t?.proposeMs),
      prevote: timeout('prevote', t?.prevoteMs),
      precommit: timeout('precommit', t?.precommitMs),
    },
  }
}

/** A main-net block's `extraData`: validatorsHash ‖ nextValidatorsHash (64 bytes), so its hash commits to both. */
export function validatorsExtraData(schedule: ValidatorSchedule, number: bigint): Hex {
  const n = Number(number)
  return concat([schedule.setAt(n).hash, schedule.setAt(n + 1).hash])
}
