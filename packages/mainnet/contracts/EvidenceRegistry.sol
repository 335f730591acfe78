// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title EvidenceRegistry
 * @notice Equivocation evidence included in main-net blocks: the block proposer places one system
 * transaction (a deposit from the evidence submitter 0xdead…0002, which has no key) per piece of evidence at
 * the start of its block; every validator checks the evidence before it votes for the block (two
 * conflicting votes, validly signed, by a validator of the set at that height), so an invalid piece makes
 * the whole block invalid. The contract records each offence once: a second inclusion reverts.
 * @dev Placed in the main-net genesis at 0x0000000000000000000000000000000000001006.
 */
contract EvidenceRegistry {
    address public constant SUBMITTER = 0xDeAddEAddeADdeADdEaDdEaddeadDeADdEAD0002;

    /// slot 0: offence id => the block that included it (0: never).
    mapping(bytes32 => uint256) public includedIn;

    event EvidenceIncluded(
        bytes32 indexed id, address indexed validator, uint64 height, uint32 round, uint8 voteType, bytes evidence
    );

    /// The offence: one validator, one (height, round, vote type); voteType 1 prevote, 2 precommit.
    function offenceId(address validator, uint64 height, uint32 round, uint8 voteType) public pure returns (bytes32) {
        return keccak256(abi.encode(validator, height, round, voteType));
    }

    function submit(address validator, uint64 height, uint32 round, uint8 voteType, bytes calldata evidence) external {
        require(msg.sender == SUBMITTER, "EvidenceRegistry: only the evidence submitter (a system transaction)");
        require(voteType == 1 || voteType == 2, "EvidenceRegistry: voteType must be 1 (prevote) or 2 (precommit)");
        require(height < block.number, "EvidenceRegistry: evidence height must be below the including block");
        bytes32 id = offenceId(validator, height, round, voteType);
        require(includedIn[id] == 0, "EvidenceRegistry: evidence already included");
        includedIn[id] = block.number;
        emit EvidenceIncluded(id, validator, height, round, voteType, evidence);
    }
}
