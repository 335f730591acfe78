// Messenger: the AssemblyScript twin of Messenger.sol (same ABI: messenger.abi.json).
// `send` posts a cross-SPN message through the Mailbox (a cross-VM call into the EVM system contract);
// `onMessage` is what the destination SPN's Mailbox calls when it delivers one.

import {
  AbiReader, AbiWriter, Address, U256, bubble, callContract, emitLog, encodeCall, finish, hexToBytes,
  loadBytes, loadU256, msg, nonPayable, require, revertWith, slot, storeBytes, storeU256,
} from "../../packages/dual-vm/sdk/assembly/index";

const MAILBOX = new Address(hexToBytes("0x0000000000000000000000000000000000002001"));
const SEND_MESSAGE: u32 = 0xb90b8352; // sendMessage(uint64,address,bytes)
// keccak256("Received(uint64,address,uint256,bytes)")
const RECEIVED_TOPIC = hexToBytes("0x71b23feac75888bb5c845e12a37fae054b52c878efd8e9f1f382df577cb91ea8");

const RECEIVED: u64 = 0;
const VALUE_RECEIVED: u64 = 1;
const LAST_SRC: u64 = 2;
const LAST_SENDER: u64 = 3;
const LAST_DATA: u64 = 4;
const CLOSED: u64 = 5;

export function deploy(): void {}

export function call(): void {
  const data = msg.data();
  const selector = msg.selector(data);
  const args = new AbiReader(data);
  if (selector == 0x67914f6e) { // send(uint64,address,bytes) payable
    const dst = args.u64();
    const to = args.address();
    const payload = args.bytes();
    const r = callContract(MAILBOX, encodeCall(SEND_MESSAGE, new AbiWriter().u64(dst).address(to).bytes(payload)), msg.value());
    bubble(r);
    finish(r.data);
  } else if (selector == 0xc31eab58) { // onMessage(uint64,address,bytes) payable
    require(msg.sender().eq(MAILBOX), "Messenger: only the Mailbox delivers");
    const src = args.u64();
    const sender = args.address();
    const payload = args.bytes();
    require(loadU256(slot(CLOSED)).isZero(), "Messenger: closed");
    const value = msg.value();
    storeU256(slot(RECEIVED), loadU256(slot(RECEIVED)).add(U256.fromU64(1)));
    storeU256(slot(VALUE_RECEIVED), loadU256(slot(VALUE_RECEIVED)).add(value));
    storeU256(slot(LAST_SRC), U256.fromU64(src));
    storeU256(slot(LAST_SENDER), U256.fromBytes(sender.toWord(), 0));
    storeBytes(slot(LAST_DATA), payload);
    emitLog(
      [RECEIVED_TOPIC, U256.fromU64(src).toBytes(), sender.toWord()],
      new AbiWriter().u256(value).bytes(payload).finish(),
    );
    finish(new Uint8Array(0));
  } else {
    nonPayable();
    if (selector == 0x04288dba) { // setClosed(bool)
      storeU256(slot(CLOSED), U256.fromU64(args.bool() ? 1 : 0));
    } else if (selector == 0x597e1fb5) { // closed()
      finish(new AbiWriter().bool(!loadU256(slot(CLOSED)).isZero()).finish());
    } else if (selector == 0x83a6deb5) { // received()
      finish(new AbiWriter().u256(loadU256(slot(RECEIVED))).finish());
    } else if (selector == 0x6c4d473a) { // valueReceived()
      finish(new AbiWriter().u256(loadU256(slot(VALUE_RECEIVED))).finish());
    } else if (selector == 0x9e8aadf1) { // lastSrcSpn()
      finish(new AbiWriter().u256(loadU256(slot(LAST_SRC))).finish());
    } else if (selector == 0x256fec88) { // lastSender()
      finish(new AbiWriter().u256(loadU256(slot(LAST_SENDER))).finish());
    } else if (selector == 0x006e75ec) { // lastData()
      finish(new AbiWriter().bytes(loadBytes(slot(LAST_DATA))).finish());
    } else if (selector == 0x7dc2b8fb) { // MAILBOX()
      finish(new AbiWriter().address(MAILBOX).finish());
    } else {
      revertWith("Messenger: unknown function selector");
    }
  }
}
