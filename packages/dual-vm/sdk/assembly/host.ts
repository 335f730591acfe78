// Host functions of the rollup-mesh WASM runtime (module "mesh").
// Pointers are offsets into this module's memory; addresses are 20 bytes,
// words 32 bytes big-endian. Prices: packages/dual-vm/src/wasm/gas.ts.

@external("mesh", "calldata_size") export declare function calldata_size(): i32;
@external("mesh", "calldata_copy") export declare function calldata_copy(dest: usize, offset: u32, len: u32): void;
@external("mesh", "finish") export declare function finish(ptr: usize, len: u32): void;
@external("mesh", "revert") export declare function revert(ptr: usize, len: u32): void;
@external("mesh", "storage_load") export declare function storage_load(key: usize, out: usize): void;
@external("mesh", "storage_store") export declare function storage_store(key: usize, value: usize): void;
@external("mesh", "caller") export declare function caller(out: usize): void;
@external("mesh", "origin") export declare function origin(out: usize): void;
@external("mesh", "address") export declare function address(out: usize): void;
@external("mesh", "callvalue") export declare function callvalue(out: usize): void;
@external("mesh", "balance") export declare function balance(addr: usize, out: usize): void;
@external("mesh", "block_number") export declare function block_number(): i64;
@external("mesh", "block_timestamp") export declare function block_timestamp(): i64;
@external("mesh", "chain_id") export declare function chain_id(): i64;
@external("mesh", "log") export declare function log(topics: usize, count: u32, data: usize, len: u32): void;
@external("mesh", "keccak256") export declare function keccak256(ptr: usize, len: u32, out: usize): void;
@external("mesh", "call") export declare function call(kind: u32, addr: usize, value: usize, data: usize, len: u32, gas: i64): i32;
@external("mesh", "returndata_size") export declare function returndata_size(): i32;
@external("mesh", "returndata_copy") export declare function returndata_copy(dest: usize, offset: u32, len: u32): void;
@external("mesh", "gas_left") export declare function gas_left(): i64;
