// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SPN Mailbox (system contract at 0x…2001 in every SPN genesis)
/// @notice Sends cross-SPN messages and delivers those addressed to this SPN.
/// Sending: The value sent is locked here. Each `MessageSent` becomes one leaf of
/// the SPN's exit tree (the node appends it after the block; the leaf's exit-tree position is assigned by
/// the node because settlement batches are aligned to 16 leaves).
/// @dev No constructor runs in genesis: slot 0 (`spnId`) is written by the genesis allocation.
contract Mailbox {
    /// BN254 scalar field: a leaf's `value` must be a field element.
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// A settlement carries at most 16 leaves and covers whole blocks.
    uint256 public constant MAX_MESSAGES_PER_BLOCK = 16;
    /// Message data above this is refused: other SPNs fetch the messages over libp2p, whose exit-batch
    /// codec carries at most 32 KiB per message.
    uint256 public constant MAX_DATA_BYTES = 32_768;

    uint256 public spnId; // slot 0 (genesis)
    uint256 public messageCount; // slot 1
    /// slot 2: `block.number << 8 | messages sent in that block`. One word written on every send, so a send
    /// costs the same gas whether or not it is the block's first (an estimate made against the head block holds).
    uint256 internal blockCount;

    /// The block producer's deposit sender (OP Stack's depositor address): only it imports roots and delivers.
    address public constant SYSTEM = 0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001;
    /// The exit-proof precompile: (srcSpn, position, dstSpn, to, sender, value, dataHash, root, siblings[24]) → bool.
    address public constant EXIT_PROOF_VERIFIER = 0x0000000000000000000000000000000000000a02;
    /// Gas a delivery keeps for itself after the recipient's call (status, events).
    uint256 internal constant DELIVERY_RESERVE = 60_000;

    /// A message from another SPN, as its exit-tree leaf commits to it.
    struct Message {
        uint64 srcSpn;
        /// The leaf's position in the source SPN's exit tree (the nullifier with `srcSpn`).
        uint64 position;
        address sender;
        address to;
        uint256 value;
        bytes data;
    }

    /// slot 3: exit roots of other SPNs finalized on the main net → the main-net settlement index (0: unknown).
    mapping(uint64 => mapping(bytes32 => uint64)) public finalizedRoot;
    /// slot 4: the nullifier: 0 never delivered, 1 delivered, 2 recipient failed (retryable), 3 delivered on retry.
    mapping(uint64 => mapping(uint64 => uint8)) public deliveryStatus;
    /// slot 5: keccak256(abi.encode(message)) of each failed message (what `retryMessage` must present).
    mapping(uint64 => mapping(uint64 => bytes32)) public failedMessageHash;
    /// slot 6: messages delivered here (including failed ones).
    uint256 public deliveredCount;

    event ExitRootImported(uint64 indexed srcSpn, bytes32 indexed root, uint64 settlementIndex);
    event MessageDelivered(
        uint64 indexed srcSpn, uint64 indexed position, address indexed to, address sender, uint256 value
    );
    event MessageFailed(
        uint64 indexed srcSpn, uint64 indexed position, address indexed to, address sender, uint256 value, bytes reason
    );
    event MessageRetried(uint64 indexed srcSpn, uint64 indexed position, address indexed to, address caller);

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
        require(data.length <= MAX_DATA_BYTES, "Mailbox: data must be at most 32768 bytes");
        uint256 packed = blockCount;
        uint256 inBlock = packed >> 8 == block.number ? packed & 0xff : 0;
        require(inBlock < MAX_MESSAGES_PER_BLOCK, "Mailbox: at most 16 messages per block");
        blockCount = (block.number << 8) | (inBlock + 1);
        index = uint64(messageCount);
        messageCount = index + 1;
        emit MessageSent(index, uint64(spnId), dstSpn, msg.sender, to, msg.value, data);
    }

    /// @notice Records that the main net finalized `root` as an exit root of SPN `srcSpn` (block producer only).
    function importExitRoot(uint64 srcSpn, bytes32 root, uint64 settlementIndex) external {
        require(msg.sender == SYSTEM, "Mailbox: only the block producer imports exit roots");
        require(settlementIndex != 0, "Mailbox: settlementIndex must be 1-based");
        if (finalizedRoot[srcSpn][root] == 0) {
            finalizedRoot[srcSpn][root] = settlementIndex;
            emit ExitRootImported(srcSpn, root, settlementIndex);
        }
    }

    /// @notice Delivers `m` (block producer only, as a deposit minting `m.value`): checks its inclusion proof
    /// against a finalized exit root of its source and its nullifier, then calls the recipient with
    /// `onMessage(srcSpn, sender, data)` and the value (a plain value transfer when `to` has no code). A failing
    /// recipient does not revert the delivery: the message is marked failed and anyone can `retryMessage` it.
    function deliver(Message calldata m, bytes32 root, bytes32[24] calldata siblings) external payable {
        require(msg.sender == SYSTEM, "Mailbox: only the block producer delivers");
        require(msg.value == m.value, "Mailbox: msg.value must equal the message value");
        require(finalizedRoot[m.srcSpn][root] != 0, "Mailbox: exit root is not finalized on the main net");
        require(deliveryStatus[m.srcSpn][m.position] == 0, "Mailbox: message already delivered");
        (bool ok, bytes memory out) = EXIT_PROOF_VERIFIER.staticcall(
            abi.encode(m.srcSpn, m.position, spnId, m.to, m.sender, m.value, keccak256(m.data), root, siblings)
        );
        require(ok && out.length == 32 && abi.decode(out, (bool)), "Mailbox: inclusion proof does not verify");
        deliveredCount += 1;
        (bool success, bytes memory reason) = _call(m);
        if (success) {
            deliveryStatus[m.srcSpn][m.position] = 1;
            emit MessageDelivered(m.srcSpn, m.position, m.to, m.sender, m.value);
        } else {
            deliveryStatus[m.srcSpn][m.position] = 2;
            failedMessageHash[m.srcSpn][m.position] = keccak256(abi.encode(m));
            emit MessageFailed(m.srcSpn, m.position, m.to, m.sender, m.value, reason);
        }
    }

    /// @notice Runs a failed message again (anyone may); reverts, leaving it retryable, when it fails again.
    function retryMessage(Message calldata m) external {
        require(deliveryStatus[m.srcSpn][m.position] == 2, "Mailbox: message is not a failed delivery");
        require(failedMessageHash[m.srcSpn][m.position] == keccak256(abi.encode(m)), "Mailbox: message does not match the failed one");
        deliveryStatus[m.srcSpn][m.position] = 3;
        delete failedMessageHash[m.srcSpn][m.position];
        (bool success, bytes memory reason) = _call(m);
        if (!success) {
            assembly {
                revert(add(reason, 32), mload(reason))
            }
        }
        emit MessageRetried(m.srcSpn, m.position, m.to, msg.sender);
    }

    function _call(Message calldata m) internal returns (bool success, bytes memory reason) {
        uint256 left = gasleft();
        uint256 gasForCall = left > DELIVERY_RESERVE ? left - DELIVERY_RESERVE : 0;
        if (m.to.code.length == 0) {
            (success, reason) = m.to.call{value: m.value, gas: gasForCall}("");
        } else {
            (success, reason) = m.to.call{value: m.value, gas: gasForCall}(
                abi.encodeWithSignature("onMessage(uint64,address,bytes)", m.srcSpn, m.sender, m.data)
            );
        }
    }
}
