// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice The contract a parallel-executor worker runs a few hundred transfers of when it starts, so that
/// V8 has compiled the EVM's hot paths before the first real block reaches it. Balances are a mapping
/// keyed by address (the common token layout); `transfer` checks, moves and emits like an ERC20.
contract WarmupToken {
    mapping(address => uint256) public balanceOf;
    uint256 public totalSupply;

    event Transfer(address indexed from, address indexed to, uint256 value);

    error InsufficientBalance(address from, uint256 balance, uint256 needed);

    /// Anyone may mint to themselves: the warm-up state needs no setup transactions.
    function mint(uint256 amount) external {
        balanceOf[msg.sender] += amount;
        totalSupply += amount;
        emit Transfer(address(0), msg.sender, amount);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        uint256 balance = balanceOf[msg.sender];
        if (balance < amount) revert InsufficientBalance(msg.sender, balance, amount);
        unchecked {
            balanceOf[msg.sender] = balance - amount;
        }
        balanceOf[to] += amount;
        emit Transfer(msg.sender, to, amount);
        return true;
    }
}
