// rollup-mesh AssemblyScript SDK: the Solidity ABI, storage, events, reverts,
// msg context and cross-VM calls for WASM contracts. No floating point anywhere
// (the deploy-time validator rejects it). Compile with compileAssemblyScript().

import * as host from "./host";

export { host };

// ---------------------------------------------------------------- bytes

/** Pointer to the first byte of `b` in linear memory. */
@inline export function ptr(b: Uint8Array): usize {
  return b.dataStart;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

export function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

export function keccak256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  host.keccak256(ptr(data), data.length, ptr(out));
  return out;
}

// ---------------------------------------------------------------- U256

/** An unsigned 256-bit integer (four u64 limbs, `a` lowest). Arithmetic is checked like Solidity 0.8. */
export class U256 {
  constructor(public a: u64 = 0, public b: u64 = 0, public c: u64 = 0, public d: u64 = 0) {}

  static zero(): U256 { return new U256(); }
  static fromU64(v: u64): U256 { return new U256(v); }
  static max(): U256 { return new U256(u64.MAX_VALUE, u64.MAX_VALUE, u64.MAX_VALUE, u64.MAX_VALUE); }

  /** Reads 32 big-endian bytes at `offset`. */
  static fromBytes(bytes: Uint8Array, offset: i32 = 0): U256 {
    const p = bytes.dataStart + <usize>offset;
    return new U256(bswap<u64>(load<u64>(p, 24)), bswap<u64>(load<u64>(p, 16)), bswap<u64>(load<u64>(p, 8)), bswap<u64>(load<u64>(p)));
  }

  /** Writes 32 big-endian bytes at `offset`. */
  writeTo(bytes: Uint8Array, offset: i32 = 0): void {
    const p = bytes.dataStart + <usize>offset;
    store<u64>(p, bswap<u64>(this.d));
    store<u64>(p, bswap<u64>(this.c), 8);
    store<u64>(p, bswap<u64>(this.b), 16);
    store<u64>(p, bswap<u64>(this.a), 24);
  }

  toBytes(): Uint8Array {
    const out = new Uint8Array(32);
    this.writeTo(out, 0);
    return out;
  }

  isZero(): bool { return (this.a | this.b | this.c | this.d) == 0; }
  isMax(): bool { return (this.a & this.b & this.c & this.d) == u64.MAX_VALUE; }
  eq(o: U256): bool { return this.a == o.a && this.b == o.b && this.c == o.c && this.d == o.d; }
  lt(o: U256): bool {
    if (this.d != o.d) return this.d < o.d;
    if (this.c != o.c) return this.c < o.c;
    if (this.b != o.b) return this.b < o.b;
    return this.a < o.a;
  }
  gt(o: U256): bool { return o.lt(this); }
  lte(o: U256): bool { return !o.lt(this); }
  gte(o: U256): bool { return !this.lt(o); }

  /** Fits in a u64 (the upper limbs are zero). */
  fitsU64(): bool { return (this.b | this.c | this.d) == 0; }

  /** Checked addition: reverts with Solidity's `Panic(0x11)` on overflow. */
  add(o: U256): U256 {
    const a = this.a + o.a;
    let carry: u64 = a < this.a ? 1 : 0;
    const b1 = this.b + o.b;
    const b = b1 + carry;
    carry = (b1 < this.b ? 1 : 0) | (b < b1 ? 1 : 0);
    const c1 = this.c + o.c;
    const c = c1 + carry;
    carry = (c1 < this.c ? 1 : 0) | (c < c1 ? 1 : 0);
    const d1 = this.d + o.d;
    const d = d1 + carry;
    carry = (d1 < this.d ? 1 : 0) | (d < d1 ? 1 : 0);
    if (carry != 0) panic(0x11);
    return new U256(a, b, c, d);
  }

  /** Checked subtraction: reverts with Solidity's `Panic(0x11)` on underflow. */
  sub(o: U256): U256 {
    if (this.lt(o)) panic(0x11);
    const a = this.a - o.a;
    let borrow: u64 = this.a < o.a ? 1 : 0;
    const b1 = this.b - o.b;
    const b = b1 - borrow;
    borrow = (this.b < o.b ? 1 : 0) | (b1 < borrow ? 1 : 0);
    const c1 = this.c - o.c;
    const c = c1 - borrow;
    borrow = (this.c < o.c ? 1 : 0) | (c1 < borrow ? 1 : 0);
    const d = this.d - o.d - borrow;
    return new U256(a, b, c, d);
  }
}

// ---------------------------------------------------------------- Address

/** A 20-byte account address. */
export class Address {
  constructor(public bytes: Uint8Array) {}

  static zero(): Address { return new Address(new Uint8Array(20)); }

  /** The address in the low 20 bytes of a 32-byte word. */
  static fromWord(word: Uint8Array, offset: i32 = 0): Address {
    return new Address(word.slice(offset + 12, offset + 32));
  }

  isZero(): bool {
    for (let i = 0; i < 20; i++) if (this.bytes[i] != 0) return false;
    return true;
  }

  eq(o: Address): bool { return bytesEqual(this.bytes, o.bytes); }

  /** Left-padded to a 32-byte word (ABI encoding, mapping keys, event topics). */
  toWord(): Uint8Array {
    const out = new Uint8Array(32);
    out.set(this.bytes, 12);
    return out;
  }
}

// ---------------------------------------------------------------- reverts

const ERROR_SELECTOR: u32 = 0x08c379a0;
const PANIC_SELECTOR: u32 = 0x4e487b71;

function selectorBytes(sel: u32): Uint8Array {
  const out = new Uint8Array(4);
  store<u32>(out.dataStart, bswap<u32>(sel));
  return out;
}

/** Ends the call successfully with `data` as return data. */
export function finish(data: Uint8Array): void {
  host.finish(ptr(data), data.length);
}

/** Ends the call with raw revert data. */
export function revertWithData(data: Uint8Array): void {
  host.revert(ptr(data), data.length);
}

/** Reverts with Solidity's `Error(string)`, like `revert("reason")`. */
export function revertWith(reason: string): void {
  const w = new AbiWriter();
  w.string(reason);
  revertWithData(concat(selectorBytes(ERROR_SELECTOR), w.finish()));
}

/** Solidity's `require(condition, reason)`. */
export function require(condition: bool, reason: string): void {
  if (!condition) revertWith(reason);
}

/** Reverts with Solidity's `Panic(uint256)` (0x11: arithmetic over/underflow). */
export function panic(code: u64): void {
  const w = new AbiWriter();
  w.u256(U256.fromU64(code));
  revertWithData(concat(selectorBytes(PANIC_SELECTOR), w.finish()));
}

/** AssemblyScript's `abort` (failed assertions, out-of-bounds accesses): reverts with the message and place. */
export function meshAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "abort";
  if (message !== null) text += ": " + message;
  if (fileName !== null) text += " (" + fileName + ":" + line.toString() + ":" + column.toString() + ")";
  revertWith(text);
}

// ---------------------------------------------------------------- ABI

/** Reads Solidity-ABI-encoded values (`base` is where the tuple starts: 4 after a selector). */
export class AbiReader {
  private pos: i32;
  constructor(public data: Uint8Array, public base: i32 = 4) {
    this.pos = base;
  }

  private word(at: i32): i32 {
    if (at < 0 || at + 32 > this.data.length) revertWith("ABI: data too short");
    return at;
  }

  /** Reads a head word and advances. */
  private next(): i32 {
    const at = this.word(this.pos);
    this.pos += 32;
    return at;
  }

  u256(): U256 { return U256.fromBytes(this.data, this.next()); }

  u64(): u64 {
    const v = this.u256();
    if (!v.fitsU64()) revertWith("ABI: integer out of range");
    return v.a;
  }

  bool(): bool {
    const v = this.u256();
    if (!v.fitsU64() || v.a > 1) revertWith("ABI: invalid bool");
    return v.a == 1;
  }

  address(): Address {
    const at = this.next();
    for (let i = 0; i < 12; i++) if (this.data[at + i] != 0) revertWith("ABI: invalid address");
    return Address.fromWord(this.data, at);
  }

  bytes32(): Uint8Array {
    const at = this.next();
    return this.data.slice(at, at + 32);
  }

  bytes(): Uint8Array {
    const offset = this.u256();
    if (!offset.fitsU64() || offset.a > <u64>this.data.length) revertWith("ABI: invalid offset");
    const at = this.word(this.base + <i32>offset.a);
    const len = U256.fromBytes(this.data, at);
    if (!len.fitsU64() || len.a > <u64>(this.data.length - at - 32)) revertWith("ABI: data too short");
    return this.data.slice(at + 32, at + 32 + <i32>len.a);
  }

  string(): string {
    const b = this.bytes();
    return String.UTF8.decode(b.buffer);
  }
}

/** Builds a Solidity-ABI-encoded tuple (static heads, then dynamic tails). */
export class AbiWriter {
  private heads: Array<Uint8Array> = new Array<Uint8Array>();
  private tails: Array<Uint8Array | null> = new Array<Uint8Array | null>();

  private push(head: Uint8Array, tail: Uint8Array | null): AbiWriter {
    this.heads.push(head);
    this.tails.push(tail);
    return this;
  }

  u256(v: U256): AbiWriter { return this.push(v.toBytes(), null); }
  u64(v: u64): AbiWriter { return this.u256(U256.fromU64(v)); }
  bool(v: bool): AbiWriter { return this.u64(v ? 1 : 0); }
  address(a: Address): AbiWriter { return this.push(a.toWord(), null); }
  bytes32(b: Uint8Array): AbiWriter {
    const w = new Uint8Array(32);
    w.set(b.length > 32 ? b.subarray(0, 32) : b, 0);
    return this.push(w, null);
  }

  bytes(b: Uint8Array): AbiWriter {
    const padded = (b.length + 31) & ~31;
    const tail = new Uint8Array(32 + padded);
    U256.fromU64(<u64>b.length).writeTo(tail, 0);
    tail.set(b, 32);
    return this.push(new Uint8Array(32), tail);
  }

  string(s: string): AbiWriter { return this.bytes(utf8(s)); }

  finish(): Uint8Array {
    let size = this.heads.length * 32;
    for (let i = 0; i < this.tails.length; i++) {
      const t = this.tails[i];
      if (t !== null) size += t.length;
    }
    const out = new Uint8Array(size);
    let tailAt = this.heads.length * 32;
    for (let i = 0; i < this.heads.length; i++) {
      const t = this.tails[i];
      if (t === null) {
        out.set(this.heads[i], i * 32);
      } else {
        const tail = changetype<Uint8Array>(t);
        U256.fromU64(<u64>tailAt).writeTo(out, i * 32);
        out.set(tail, tailAt);
        tailAt += tail.length;
      }
    }
    return out;
  }
}

/** The 4-byte selector of a function signature, e.g. `selectorOf("transfer(address,uint256)")` (costs a keccak). */
export function selectorOf(signature: string): u32 {
  const h = keccak256(utf8(signature));
  return bswap<u32>(load<u32>(h.dataStart));
}

// ---------------------------------------------------------------- msg and block context

export namespace msg {
  /** The calldata (selector included). */
  export function data(): Uint8Array {
    const len = host.calldata_size();
    const out = new Uint8Array(len);
    if (len > 0) host.calldata_copy(ptr(out), 0, len);
    return out;
  }

  /** The function selector; reverts with a clear reason when calldata is shorter than 4 bytes. */
  export function selector(data: Uint8Array): u32 {
    if (data.length < 4) revertWith("calldata shorter than a 4-byte function selector");
    return bswap<u32>(load<u32>(data.dataStart));
  }

  export function sender(): Address {
    const out = new Uint8Array(20);
    host.caller(ptr(out));
    return new Address(out);
  }

  export function origin(): Address {
    const out = new Uint8Array(20);
    host.origin(ptr(out));
    return new Address(out);
  }

  export function value(): U256 {
    const out = new Uint8Array(32);
    host.callvalue(ptr(out));
    return U256.fromBytes(out, 0);
  }
}

export namespace block {
  export function number(): u64 { return <u64>host.block_number(); }
  export function timestamp(): u64 { return <u64>host.block_timestamp(); }
  export function chainId(): u64 { return <u64>host.chain_id(); }
}

/** This contract's address. */
export function self(): Address {
  const out = new Uint8Array(20);
  host.address(ptr(out));
  return new Address(out);
}

export function balanceOf(account: Address): U256 {
  const out = new Uint8Array(32);
  host.balance(ptr(account.bytes), ptr(out));
  return U256.fromBytes(out, 0);
}

export function gasLeft(): u64 { return <u64>host.gas_left(); }

/** Reverts unless the call carries no value (Solidity's non-payable check). */
export function nonPayable(): void {
  if (!msg.value().isZero()) revertWith("function is not payable");
}

// ---------------------------------------------------------------- storage

/** The 32-byte word for slot number `n`. */
export function slot(n: u64): Uint8Array { return U256.fromU64(n).toBytes(); }

export function storageLoad(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  host.storage_load(ptr(key), ptr(out));
  return out;
}

export function storageStore(key: Uint8Array, value: Uint8Array): void {
  host.storage_store(ptr(key), ptr(value));
}

export function loadU256(key: Uint8Array): U256 { return U256.fromBytes(storageLoad(key), 0); }
export function storeU256(key: Uint8Array, v: U256): void { storageStore(key, v.toBytes()); }

/** Solidity's mapping slot: `keccak256(key ++ base)` for a 32-byte key word. */
export function mappingSlot(key: Uint8Array, base: Uint8Array): Uint8Array {
  return keccak256(concat(key, base));
}

/** A `mapping(address => uint256)` at a slot, laid out like Solidity's. */
export class AddressMap {
  base: Uint8Array;
  constructor(slotNumber: u64) { this.base = slot(slotNumber); }
  slotOf(key: Address): Uint8Array { return mappingSlot(key.toWord(), this.base); }
  get(key: Address): U256 { return loadU256(this.slotOf(key)); }
  set(key: Address, v: U256): void { storeU256(this.slotOf(key), v); }
}

/** A `mapping(address => mapping(address => uint256))` at a slot, laid out like Solidity's. */
export class AddressMap2 {
  base: Uint8Array;
  constructor(slotNumber: u64) { this.base = slot(slotNumber); }
  slotOf(a: Address, b: Address): Uint8Array { return mappingSlot(b.toWord(), mappingSlot(a.toWord(), this.base)); }
  get(a: Address, b: Address): U256 { return loadU256(this.slotOf(a, b)); }
  set(a: Address, b: Address, v: U256): void { storeU256(this.slotOf(a, b), v); }
}

/** Stores `value` at `key` like a Solidity `bytes`/`string` state variable (short and long layouts). */
export function storeBytes(key: Uint8Array, value: Uint8Array): void {
  const len = value.length;
  if (len < 32) {
    const word = new Uint8Array(32);
    word.set(value, 0);
    word[31] = <u8>(len * 2);
    storageStore(key, word);
    return;
  }
  storeU256(key, U256.fromU64(<u64>len * 2 + 1));
  let dataSlot = U256.fromBytes(keccak256(key), 0);
  for (let i = 0; i < len; i += 32) {
    const word = new Uint8Array(32);
    word.set(value.subarray(i, min(i + 32, len)), 0);
    storageStore(dataSlot.toBytes(), word);
    dataSlot = dataSlot.add(U256.fromU64(1));
  }
}

/** Reads a value stored by `storeBytes` (Solidity's `bytes`/`string` layout). */
export function loadBytes(key: Uint8Array): Uint8Array {
  const word = storageLoad(key);
  if ((word[31] & 1) == 0) return word.slice(0, word[31] >> 1);
  const len = <i32>((U256.fromBytes(word, 0).a - 1) >> 1);
  const out = new Uint8Array(len);
  let dataSlot = U256.fromBytes(keccak256(key), 0);
  for (let i = 0; i < len; i += 32) {
    const w = storageLoad(dataSlot.toBytes());
    out.set(w.subarray(0, min(32, len - i)), i);
    dataSlot = dataSlot.add(U256.fromU64(1));
  }
  return out;
}

export function storeString(key: Uint8Array, s: string): void { storeBytes(key, utf8(s)); }
export function loadString(key: Uint8Array): string { return String.UTF8.decode(loadBytes(key).buffer); }

// ---------------------------------------------------------------- events

/** `keccak256(signature)`, an event's first topic, e.g. `eventTopic("Transfer(address,address,uint256)")`. */
export function eventTopic(signature: string): Uint8Array { return keccak256(utf8(signature)); }

/** Emits a Solidity-style log: up to 4 topics (32 bytes each) and ABI-encoded data. */
export function emitLog(topics: Array<Uint8Array>, data: Uint8Array): void {
  const n = topics.length;
  const packed = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) packed.set(topics[i], i * 32);
  host.log(ptr(packed), n, ptr(data), data.length);
}

/** Parses a 32-byte hex constant ("0x…") into bytes (for precomputed topics). */
export function hexToBytes(hex: string): Uint8Array {
  const start = hex.startsWith("0x") ? 2 : 0;
  const out = new Uint8Array((hex.length - start) >> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = <u8>((nibble(hex.charCodeAt(start + 2 * i)) << 4) | nibble(hex.charCodeAt(start + 2 * i + 1)));
  }
  return out;
}

function nibble(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  revertWith("invalid hex digit");
  return 0;
}

// ---------------------------------------------------------------- cross-VM calls

export class CallResult {
  constructor(public success: bool, public data: Uint8Array) {}
}

function lastReturnData(): Uint8Array {
  const len = host.returndata_size();
  const out = new Uint8Array(len);
  if (len > 0) host.returndata_copy(ptr(out), 0, len);
  return out;
}

/**
 * Calls a contract in either VM (or sends value to an account). `gas` 0 forwards
 * all but 1/64 of the gas left. The callee's writes are undone if it fails.
 */
export function callContract(to: Address, data: Uint8Array, value: U256 = U256.zero(), gas: u64 = 0): CallResult {
  const v = value.toBytes();
  const ok = host.call(0, ptr(to.bytes), ptr(v), ptr(data), data.length, <i64>gas);
  return new CallResult(ok != 0, lastReturnData());
}

/** A read-only call: the callee (and anything it calls) cannot change state. */
export function staticCallContract(to: Address, data: Uint8Array, gas: u64 = 0): CallResult {
  const v = new Uint8Array(32);
  const ok = host.call(1, ptr(to.bytes), ptr(v), ptr(data), data.length, <i64>gas);
  return new CallResult(ok != 0, lastReturnData());
}

/** Calldata for a call: a selector followed by ABI-encoded arguments. */
export function encodeCall(selector: u32, args: AbiWriter | null = null): Uint8Array {
  const sel = selectorBytes(selector);
  return args === null ? sel : concat(sel, args.finish());
}

/** Reverts with the callee's revert data when `result` failed (bubbling, like Solidity). */
export function bubble(result: CallResult): void {
  if (!result.success) revertWithData(result.data);
}
