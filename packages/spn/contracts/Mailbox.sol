// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SPN Mailbox (system contract at 0x…2001 in every SPN genesis)
/// @notice Sends cross-SPN messages. The value sent is locked here. Each `MessageSent` becomes one leaf of
/// the SPN's exit tree (the node appends it after the block; the leaf's exit-tree position is assigned by
/// the node because settlement batches are aligned to 16 leaves).
/// @dev No constructor runs in genesis: slot 0 (`spnId`) is written by the genesis allocation.
contract Mailbox {
    /// BN254 scalar field: a leaf's `value` must be a field element.
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// A settlement carries at most 16 leaves and covers whole blocks.
    uint256 public constant MAX_MESSAGES_PER_BLOCK = 16;

    uint256 public spnId; // slot 0 (genesis)
    uint256 public messageCount; // slot 1
    /// slot 2: `block.number << 8 | messages sent in that block`. One word written on every send, so a send
    /// costs the same gas whether or not it is the block's first (an estimate made against the head block holds).
    uint256 internal blockCount;

    event MessageSent(
        uint64 indexed index,
        uint64 srcSpn,
        uint64 indexed dstSpn,
        address indexed sender,
        address to,
        uint256 value,
        bytes data
    );

    /// @notice Sends `data` (and `msg.value`, locked here) to `to` on SPN `dstSpn`; returns the message index.
    function sendMessage(uint64 dstSpn, address to, bytes calldata data) external payable returns (uint64 index) {
        require(dstSpn != 0, "Mailbox: dstSpn must be a registered SPN id (not 0)");
        require(dstSpn != spnId, "Mailbox: dstSpn must be another SPN");
        require(msg.value < FIELD, "Mailbox: value must be below the BN254 field");
        uint256 packed = blockCount;
        uint256 inBlock = packed >> 8 == block.number ? packed & 0xff : 0;
        require(inBlock < MAX_MESSAGES_PER_BLOCK, "Mailbox: at most 16 messages per block");
        blockCount = (block.number << 8) | (inBlock + 1);
        index = uint64(messageCount);
        messageCount = index + 1;
        emit MessageSent(index, uint64(spnId), dstSpn, msg.sender, to, msg.value, data);
    }
}
