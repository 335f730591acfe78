// Test fixture: the SDK's ABI codec (AbiWriter/AbiReader) exported to JavaScript through the
// AssemblyScript loader (compiled with --exportRuntime). Tuples start at offset 0 (no selector).
// Each function leaves its result in a global that a getter returns: asc 0.28 crashes compiling an
// export that returns AbiWriter's output directly when `abort` is routed to the SDK.
import { AbiReader, AbiWriter, Address, U256, utf8 } from "../../assembly/index";

export const UINT8ARRAY_ID = idof<Uint8Array>();
export const BYTES_ARRAY_ID = idof<Array<Uint8Array>>();
export const STRING_ARRAY_ID = idof<Array<string>>();

let bytesOut: Uint8Array = new Uint8Array(0);
let partsOut: Array<Uint8Array> = new Array<Uint8Array>();
let stringsOut: Array<string> = new Array<string>();
let stringOut: string = "";

/** The bytes the last encode produced. */
export function encoded(): Uint8Array { return bytesOut; }
/** The parts the last `decodeTuple` produced. */
export function parts(): Array<Uint8Array> { return partsOut; }
/** The strings the last `decodeStrings` produced. */
export function strings(): Array<string> { return stringsOut; }
/** The string the last `decodeString` produced. */
export function decodedString(): string { return stringOut; }

/** ABI-encodes (uint256 value, address who, bytes data, string text); `value` is 32 big-endian bytes. */
export function encodeTuple(value: Uint8Array, who: Uint8Array, data: Uint8Array, text: string): void {
  bytesOut = new AbiWriter().u256(U256.fromBytes(value, 0)).address(new Address(who)).bytes(data).string(text).finish();
}

/** Decodes (uint256, address, bytes, string): [value (32 bytes), address (20 bytes), data, UTF-8 of text]. */
export function decodeTuple(input: Uint8Array): void {
  const r = new AbiReader(input, 0);
  const out = new Array<Uint8Array>();
  out.push(r.u256().toBytes());
  out.push(r.address().bytes);
  out.push(r.bytes());
  out.push(utf8(r.string()));
  partsOut = out;
}

/** Decodes an encoded (string) tuple. */
export function decodeString(input: Uint8Array): void {
  stringOut = new AbiReader(input, 0).string();
}

/** ABI-encodes a tuple of strings (string, string, …), one per array element. */
export function encodeStrings(items: Array<string>): void {
  const w = new AbiWriter();
  for (let i = 0; i < items.length; i++) w.string(items[i]);
  bytesOut = w.finish();
}

/** Decodes a tuple of `count` strings. */
export function decodeStrings(input: Uint8Array, count: i32): void {
  const r = new AbiReader(input, 0);
  const out = new Array<string>();
  for (let i = 0; i < count; i++) out.push(r.string());
  stringsOut = out;
}

/** ABI-encodes a tuple of uint256 words (uint256, uint256, …), each 32 big-endian bytes. */
export function encodeWords(words: Array<Uint8Array>): void {
  const w = new AbiWriter();
  for (let i = 0; i < words.length; i++) w.u256(U256.fromBytes(words[i], 0));
  bytesOut = w.finish();
}
