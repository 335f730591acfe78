// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Counter: the Solidity twin of `counter.ts`.
contract Counter {
    uint256 public count;

    event Incremented(address indexed by, uint256 count);

    function increment() external returns (uint256) {
        count += 1;
        emit Incremented(msg.sender, count);
        return count;
    }

    function add(uint256 amount) external returns (uint256) {
        count += amount;
        emit Incremented(msg.sender, count);
        return count;
    }

    function reset() external {
        require(count != 0, "Counter: already zero");
        count = 0;
    }
}
