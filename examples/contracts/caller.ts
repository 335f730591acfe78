// CrossVmCaller: the AssemblyScript twin of CrossVmCaller.sol (same ABI: caller.abi.json).
// Pointed at an EVM Counter, every call below crosses from WASM into the EVM
// through the host's `call`; a revert in the EVM surfaces here with its reason.

import {
  AbiReader, AbiWriter, Address, CallResult, U256, bubble, callContract, emitLog, encodeCall, finish,
  host, hexToBytes, msg, nonPayable, ptr, revertWith, revertWithData, staticCallContract,
} from "../../packages/dual-vm/sdk/assembly/index";

const COUNT: u32 = 0x06661abd; // count()
const INCREMENT: u32 = 0xd09de08a; // increment()
const ADD: u32 = 0x1003e2d2; // add(uint256)
const ERROR_STRING: u32 = 0x08c379a0; // Error(string)
// keccak256("Forwarded(address,uint256)")
const FORWARDED_TOPIC = hexToBytes("0x6f1deddfc28100c291fae8f1064e4a91e844f0841993bb8fba9a913c3b801d80");

function resultOf(r: CallResult): U256 {
  bubble(r);
  return new AbiReader(r.data, 0).u256();
}

function forwarded(target: Address, result: U256): void {
  emitLog([FORWARDED_TOPIC, target.toWord()], result.toBytes());
  finish(new AbiWriter().u256(result).finish());
}

export function deploy(): void {}

export function call(): void {
  const data = msg.data();
  const selector = msg.selector(data);
  nonPayable();
  const args = new AbiReader(data);
  if (selector == 0x6d9e52e1) { // incrementOn(address)
    const target = args.address();
    forwarded(target, resultOf(callContract(target, encodeCall(INCREMENT))));
  } else if (selector == 0xd2df96aa) { // addOn(address,uint256)
    const target = args.address();
    const amount = args.u256();
    forwarded(target, resultOf(callContract(target, encodeCall(ADD, new AbiWriter().u256(amount)))));
  } else if (selector == 0x24b47d04) { // readCount(address)
    const target = args.address();
    finish(new AbiWriter().u256(resultOf(staticCallContract(target, encodeCall(COUNT)))).finish());
  } else if (selector == 0xae1b7856) { // incrementThenRevert(address)
    resultOf(callContract(args.address(), encodeCall(INCREMENT)));
    revertWith("CrossVmCaller: reverted after the cross-VM call");
  } else if (selector == 0x853654f6) { // tryAdd(address,uint256)
    const target = args.address();
    const amount = args.u256();
    const r = callContract(target, encodeCall(ADD, new AbiWriter().u256(amount)));
    let reason = "";
    if (!r.success && r.data.length >= 4 && bswap<u32>(load<u32>(r.data.dataStart)) == ERROR_STRING) {
      reason = new AbiReader(r.data, 4).string();
    }
    finish(new AbiWriter().bool(r.success).string(reason).finish());
  } else if (selector == 0x3ab01c0a) { // delegateTo(address,bytes)
    const target = args.address();
    const payload = args.bytes();
    const v = new Uint8Array(32);
    const ok = host.call(2, ptr(target.bytes), ptr(v), ptr(payload), payload.length, 0);
    const len = host.returndata_size();
    const out = new Uint8Array(len);
    if (len > 0) host.returndata_copy(ptr(out), 0, len);
    if (ok == 0) revertWithData(out);
    finish(new AbiWriter().bytes(out).finish());
  } else {
    revertWith("CrossVmCaller: unknown function selector");
  }
}
