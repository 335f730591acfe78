// Token: a plain ERC20 in AssemblyScript, the WASM twin of Token.sol.
// Same ABI (token.abi.json), same storage layout (name 0, symbol 1, totalSupply 2,
// balanceOf 3, allowance 4), same events and the same Error(string) reasons.
// Compile with compileAssemblyScript() from @rollup-mesh/dual-vm.

import {
  AbiReader, AbiWriter, Address, AddressMap, AddressMap2, U256, emitLog, finish, hexToBytes,
  loadString, loadU256, msg, nonPayable, require, revertWith, slot, storeString, storeU256,
} from "../../packages/dual-vm/sdk/assembly/index";

const NAME_SLOT: u64 = 0;
const SYMBOL_SLOT: u64 = 1;
const TOTAL_SUPPLY_SLOT: u64 = 2;
const balances = new AddressMap(3);
const allowances = new AddressMap2(4);

// keccak256("Transfer(address,address,uint256)") and keccak256("Approval(address,address,uint256)")
const TRANSFER_TOPIC = hexToBytes("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
const APPROVAL_TOPIC = hexToBytes("0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925");

function emitTransfer(from: Address, to: Address, value: U256): void {
  emitLog([TRANSFER_TOPIC, from.toWord(), to.toWord()], value.toBytes());
}

function moveTokens(from: Address, to: Address, value: U256): void {
  require(!to.isZero(), "ERC20: transfer to the zero address");
  const fromSlot = balances.slotOf(from);
  const balance = loadU256(fromSlot);
  require(balance.gte(value), "ERC20: transfer amount exceeds balance");
  storeU256(fromSlot, balance.sub(value));
  const toSlot = balances.slotOf(to);
  storeU256(toSlot, loadU256(toSlot).add(value));
  emitTransfer(from, to, value);
}

function returnBool(v: bool): void {
  finish(new AbiWriter().bool(v).finish());
}

function returnU256(v: U256): void {
  finish(new AbiWriter().u256(v).finish());
}

/** constructor(string name_, string symbol_, uint256 initialSupply) */
export function deploy(): void {
  nonPayable();
  const args = new AbiReader(msg.data(), 0);
  const name = args.string();
  const symbol = args.string();
  const supply = args.u256();
  const sender = msg.sender();
  storeString(slot(NAME_SLOT), name);
  storeString(slot(SYMBOL_SLOT), symbol);
  storeU256(slot(TOTAL_SUPPLY_SLOT), supply);
  balances.set(sender, supply);
  emitTransfer(Address.zero(), sender, supply);
}

export function call(): void {
  const data = msg.data();
  const selector = msg.selector(data);
  nonPayable();
  const args = new AbiReader(data);
  if (selector == 0xa9059cbb) { // transfer(address,uint256)
    const to = args.address();
    const value = args.u256();
    moveTokens(msg.sender(), to, value);
    returnBool(true);
  } else if (selector == 0x70a08231) { // balanceOf(address)
    returnU256(balances.get(args.address()));
  } else if (selector == 0x23b872dd) { // transferFrom(address,address,uint256)
    const from = args.address();
    const to = args.address();
    const value = args.u256();
    const spender = msg.sender();
    const allowanceSlot = allowances.slotOf(from, spender);
    const allowed = loadU256(allowanceSlot);
    require(allowed.gte(value), "ERC20: insufficient allowance");
    if (!allowed.isMax()) storeU256(allowanceSlot, allowed.sub(value));
    moveTokens(from, to, value);
    returnBool(true);
  } else if (selector == 0x095ea7b3) { // approve(address,uint256)
    const spender = args.address();
    const value = args.u256();
    require(!spender.isZero(), "ERC20: approve to the zero address");
    const owner = msg.sender();
    allowances.set(owner, spender, value);
    emitLog([APPROVAL_TOPIC, owner.toWord(), spender.toWord()], value.toBytes());
    returnBool(true);
  } else if (selector == 0xdd62ed3e) { // allowance(address,address)
    const owner = args.address();
    returnU256(allowances.get(owner, args.address()));
  } else if (selector == 0x18160ddd) { // totalSupply()
    returnU256(loadU256(slot(TOTAL_SUPPLY_SLOT)));
  } else if (selector == 0x313ce567) { // decimals()
    returnU256(U256.fromU64(18));
  } else if (selector == 0x06fdde03) { // name()
    finish(new AbiWriter().string(loadString(slot(NAME_SLOT))).finish());
  } else if (selector == 0x95d89b41) { // symbol()
    finish(new AbiWriter().string(loadString(slot(SYMBOL_SLOT))).finish());
  } else {
    revertWith("Token: unknown function selector");
  }
}
