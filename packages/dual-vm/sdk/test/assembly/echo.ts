// Test fixture for the SDK's ABI codec: decodes arguments and encodes them back.
import { AbiReader, AbiWriter, U256, finish, msg, revertWith } from "../../assembly/index";

export function deploy(): void {}

export function call(): void {
  const data = msg.data();
  const selector = msg.selector(data);
  const r = new AbiReader(data);
  if (selector == 0x00000001) { // echo(uint256,address,bool,bytes32,bytes,string)
    const w = new AbiWriter();
    w.u256(r.u256()).address(r.address()).bool(r.bool()).bytes32(r.bytes32());
    w.bytes(r.bytes()).string(r.string());
    finish(w.finish());
  } else if (selector == 0x00000002) { // math(uint256,uint256) returns (uint256 sum, uint256 diff, bool lt)
    const a = r.u256();
    const b = r.u256();
    finish(new AbiWriter().u256(a.add(b)).u256(a.sub(b)).bool(a.lt(b)).finish());
  } else if (selector == 0x00000003) { // recurse(uint256 depth)
    finish(new AbiWriter().u64(recurse(r.u64())).finish());
  } else {
    revertWith("echo: unknown selector");
  }
}

function recurse(n: u64): u64 {
  if (n == 0) return 0;
  return recurse(n - 1) + 1;
}
