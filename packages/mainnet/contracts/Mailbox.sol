// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title Mailbox (main net)
 * @notice Finalized exit roots per SPN. Settlement writes one entry per accepted settlement; SPNs (delivery)
 * and proof bundles read them: a message is final once an exit root containing its leaf is finalized here.
 * @dev Placed in the main-net genesis at 0x0000000000000000000000000000000000001003; only Settlement
 * (0x…1002) writes.
 */
contract Mailbox {
    address public constant SETTLEMENT = 0x0000000000000000000000000000000000001002;

    struct FinalizedRoot {
        /// 1-based index of the first settlement that finalized this root (0: not finalized).
        uint64 settlementIndex;
        /// Main-net block that accepted it.
        uint64 blockNumber;
        /// The SPN block the settlement ended at.
        uint64 toBlock;
    }

    /// slot 0: the newest finalized exit root per SPN (zero before the first settlement).
    mapping(uint64 => bytes32) public latestExitRoot;
    /// slot 1: the exit-tree size after the newest settlement (next settlement's startIndex).
    mapping(uint64 => uint64) public nextLeafIndex;
    /// slot 2: accepted settlements per SPN.
    mapping(uint64 => uint64) public settlementCount;
    /// slot 3
    mapping(uint64 => mapping(bytes32 => FinalizedRoot)) internal roots;

    event ExitRootFinalized(
        uint64 indexed spnId,
        bytes32 indexed exitRoot,
        uint64 settlementIndex,
        uint64 toBlock,
        uint64 startIndex,
        uint64 leafCount
    );

    function finalize(uint64 spnId, bytes32 exitRoot, uint64 toBlock, uint64 startIndex, uint64 leafCount, uint64 batchSize)
        external
        returns (uint64 settlementIndex)
    {
        require(msg.sender == SETTLEMENT, "Mailbox: caller is not Settlement");
        settlementIndex = settlementCount[spnId] + 1;
        settlementCount[spnId] = settlementIndex;
        latestExitRoot[spnId] = exitRoot;
        nextLeafIndex[spnId] = startIndex + batchSize;
        FinalizedRoot storage r = roots[spnId][exitRoot];
        if (r.settlementIndex == 0) {
            r.settlementIndex = settlementIndex;
            r.blockNumber = uint64(block.number);
            r.toBlock = toBlock;
        }
        emit ExitRootFinalized(spnId, exitRoot, settlementIndex, toBlock, startIndex, leafCount);
    }

    function isFinalized(uint64 spnId, bytes32 exitRoot) external view returns (bool) {
        return roots[spnId][exitRoot].settlementIndex != 0;
    }

    function finalizedAt(uint64 spnId, bytes32 exitRoot)
        external
        view
        returns (uint64 settlementIndex, uint64 blockNumber, uint64 toBlock)
    {
        FinalizedRoot storage r = roots[spnId][exitRoot];
        return (r.settlementIndex, r.blockNumber, r.toBlock);
    }
}
