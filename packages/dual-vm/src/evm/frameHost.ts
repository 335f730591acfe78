import type { Log as EthLog, Message } from '@ethereumjs/evm'
import { type Address, bytesToHex, hexToBytes } from 'viem'
import type { JournaledState } from '../state/journal.js'
import type { CrossCallRequest, CrossCallResult, WasmCallContext, WasmHost } from '../wasm/types.js'
import { StaticCallViolationError } from './errors.js'

/** What a frame's host needs of the EVM: the shared journal and its cross-VM call (`DualVmEVM.hostCall`). */
export type FrameHostEVM = {
  readonly state: JournaledState
  hostCall(
    ctx: WasmCallContext,
    frame: Message,
    logs: EthLog[],
    request: CrossCallRequest,
  ): Promise<CrossCallResult>
}

/**
 * The host services of one WASM call frame over the shared journal. A class
 * rather than closures: one frame per WASM call, on the hot path.
 */
export class FrameHost implements WasmHost {
  private readonly self: Uint8Array

  constructor(
    private readonly evm: FrameHostEVM,
    private readonly ctx: WasmCallContext,
    private readonly frame: Message,
    private readonly logs: EthLog[],
  ) {
    this.self = hexToBytes(ctx.address)
  }

  sload(slot: Uint8Array): Uint8Array {
    return hexToBytes(this.evm.state.getStorage(this.ctx.address, bytesToHex(slot)))
  }

  sstore(slot: Uint8Array, value: Uint8Array): void {
    if (this.ctx.isStatic) throw new StaticCallViolationError()
    this.evm.state.putStorage(this.ctx.address, bytesToHex(slot), bytesToHex(value))
  }

  balance(address: Address): bigint {
    return this.evm.state.getAccount(address.toLowerCase() as Address)?.balance ?? 0n
  }

  emitLog(topics: readonly Uint8Array[], data: Uint8Array): void {
    if (this.ctx.isStatic) throw new StaticCallViolationError()
    this.logs.push([this.self, [...topics], data])
  }

  call(request: CrossCallRequest): Promise<CrossCallResult> {
    return this.evm.hostCall(this.ctx, this.frame, this.logs, request)
  }
}
