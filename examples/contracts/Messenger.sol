// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IMailbox {
    function sendMessage(uint64 dstSpn, address to, bytes calldata data) external payable returns (uint64);
}

/// @title Messenger: sends and receives cross-SPN messages (the EVM twin of messenger.ts; same ABI).
/// @notice `send` posts a message (with value) through the SPN Mailbox; the destination SPN's Mailbox calls
/// `onMessage` on the recipient when it delivers it. While `closed`, `onMessage` reverts: the delivery is
/// marked failed on the destination and anyone can retry it there (`Mailbox.retryMessage`) once it is open.
contract Messenger {
    address public constant MAILBOX = 0x0000000000000000000000000000000000002001;

    uint256 public received;
    uint256 public valueReceived;
    uint64 public lastSrcSpn;
    address public lastSender;
    bytes public lastData;
    bool public closed;

    event Received(uint64 indexed srcSpn, address indexed sender, uint256 value, bytes data);

    function send(uint64 dstSpn, address to, bytes calldata data) external payable returns (uint64) {
        return IMailbox(MAILBOX).sendMessage{value: msg.value}(dstSpn, to, data);
    }

    function setClosed(bool value) external {
        closed = value;
    }

    function onMessage(uint64 srcSpn, address sender, bytes calldata data) external payable {
        require(msg.sender == MAILBOX, "Messenger: only the Mailbox delivers");
        require(!closed, "Messenger: closed");
        received += 1;
        valueReceived += msg.value;
        lastSrcSpn = srcSpn;
        lastSender = sender;
        lastData = data;
        emit Received(srcSpn, sender, msg.value, data);
    }
}
