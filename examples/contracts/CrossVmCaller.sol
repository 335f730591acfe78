// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// The counter ABI shared by `Counter.sol` and `counter.ts`.
interface ICounter {
    function count() external view returns (uint256);
    function increment() external returns (uint256);
    function add(uint256 amount) external returns (uint256);
}

/// @title CrossVmCaller: an EVM contract that calls a contract in either VM through
/// an ordinary Solidity interface. Pointed at a WASM counter, every call below crosses
/// from the EVM into WASM; a revert inside WASM surfaces here with its reason.
contract CrossVmCaller {
    event Forwarded(address indexed target, uint256 result);

    function incrementOn(address counter) external returns (uint256 result) {
        result = ICounter(counter).increment();
        emit Forwarded(counter, result);
    }

    function addOn(address counter, uint256 amount) external returns (uint256 result) {
        result = ICounter(counter).add(amount);
        emit Forwarded(counter, result);
    }

    function readCount(address counter) external view returns (uint256) {
        return ICounter(counter).count();
    }

    /// Increments, then reverts: the WASM callee's write must be undone with ours.
    function incrementThenRevert(address counter) external {
        ICounter(counter).increment();
        revert("CrossVmCaller: reverted after the cross-VM call");
    }

    /// Catches the callee's revert and returns its reason.
    function tryAdd(address counter, uint256 amount) external returns (bool ok, string memory reason) {
        try ICounter(counter).add(amount) returns (uint256) {
            return (true, "");
        } catch Error(string memory why) {
            return (false, why);
        }
    }

    /// DELEGATECALL into a contract of the other VM: always reverts with a clear reason.
    function delegateTo(address target, bytes calldata data) external returns (bytes memory) {
        (bool ok, bytes memory ret) = target.delegatecall(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }
}
