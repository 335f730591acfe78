// Counter: the AssemblyScript twin of Counter.sol (same ABI: counter.abi.json, count at slot 0).

import {
  AbiReader, AbiWriter, U256, emitLog, finish, hexToBytes, loadU256, msg, nonPayable, require,
  revertWith, slot, storeU256,
} from "../../packages/dual-vm/sdk/assembly/index";

const COUNT_SLOT: u64 = 0;
// keccak256("Incremented(address,uint256)")
const INCREMENTED_TOPIC = hexToBytes("0x38ac789ed44572701765277c4d0970f2db1c1a571ed39e84358095ae4eaa5420");

function bump(amount: U256): void {
  const count = loadU256(slot(COUNT_SLOT)).add(amount);
  storeU256(slot(COUNT_SLOT), count);
  emitLog([INCREMENTED_TOPIC, msg.sender().toWord()], count.toBytes());
  finish(new AbiWriter().u256(count).finish());
}

export function deploy(): void {}

export function call(): void {
  const data = msg.data();
  const selector = msg.selector(data);
  nonPayable();
  const args = new AbiReader(data);
  if (selector == 0x06661abd) { // count()
    finish(new AbiWriter().u256(loadU256(slot(COUNT_SLOT))).finish());
  } else if (selector == 0xd09de08a) { // increment()
    bump(U256.fromU64(1));
  } else if (selector == 0x1003e2d2) { // add(uint256)
    bump(args.u256());
  } else if (selector == 0xd826f88f) { // reset()
    require(!loadU256(slot(COUNT_SLOT)).isZero(), "Counter: already zero");
    storeU256(slot(COUNT_SLOT), U256.zero());
  } else {
    revertWith("Counter: unknown function selector");
  }
}
