// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ValidatorGovernance
 * @notice Validator-set changes of the BFT main net, callable only by the governance address of the genesis
 * config: add a validator (address, BLS12-381 public key, proof of possession, power), change a validator's
 * power, remove a validator. The contract checks each request against the set as changed so far and
 * records it as an event; the nodes read the events of each committed block and schedule the new set for
 * the first epoch boundary at least one full epoch later (the header before it announces the new set).
 * @dev Placed in the main-net genesis at 0x0000000000000000000000000000000000001005 with no constructor run:
 * genesis writes slot 0 (governance), slot 1 (validatorCount), the genesis validators' `powerOf` (slot 2)
 * and `keyUsed` (slot 3) entries directly, so the order of the state variables is part of the genesis format.
 * The proof of possession is checked by the main net's BLS precompile at 0x…0a03
 * (input: publicKey 48 ‖ proof 96; output: a 32-byte word, 1 when it verifies).
 */
contract ValidatorGovernance {
    address public constant POP_VERIFIER = 0x0000000000000000000000000000000000000a03;
    /// The consensus code sizes signer bitmaps for at most this many validators.
    uint256 public constant MAX_VALIDATORS = 256;
    /// Power per validator is bounded so the total stays below 2^48 (exact in doubles).
    uint64 public constant MAX_POWER = 2 ** 40;

    /// slot 0
    address public governance;
    /// slot 1: validators in the set as changed so far.
    uint256 public validatorCount;
    /// slot 2: validator => power (0: not in the set).
    mapping(address => uint64) public powerOf;
    /// slot 3: keccak256(BLS public key) => used by a validator once (a key is never reused).
    mapping(bytes32 => bool) public keyUsed;

    event ValidatorAdded(address indexed validator, bytes blsPublicKey, bytes proofOfPossession, uint64 power);
    event ValidatorPowerChanged(address indexed validator, uint64 power);
    event ValidatorRemoved(address indexed validator);

    modifier onlyGovernance() {
        require(msg.sender == governance, "ValidatorGovernance: caller is not the governance address");
        _;
    }

    function addValidator(address validator, bytes calldata blsPublicKey, bytes calldata proofOfPossession, uint64 power)
        external
        onlyGovernance
    {
        require(validator != address(0), "ValidatorGovernance: validator is the zero address");
        require(powerOf[validator] == 0, "ValidatorGovernance: validator is already in the set");
        require(power > 0 && power <= MAX_POWER, "ValidatorGovernance: power must be 1..2^40");
        require(validatorCount < MAX_VALIDATORS, "ValidatorGovernance: the set is full (256 validators)");
        require(blsPublicKey.length == 48, "ValidatorGovernance: blsPublicKey must be 48 bytes (compressed G1)");
        require(proofOfPossession.length == 96, "ValidatorGovernance: proofOfPossession must be 96 bytes (G2)");
        bytes32 keyHash = keccak256(blsPublicKey);
        require(!keyUsed[keyHash], "ValidatorGovernance: blsPublicKey is already used by a validator");
        (bool ok, bytes memory out) = POP_VERIFIER.staticcall(abi.encodePacked(blsPublicKey, proofOfPossession));
        require(
            ok && out.length == 32 && abi.decode(out, (uint256)) == 1,
            "ValidatorGovernance: proofOfPossession does not verify for blsPublicKey"
        );
        keyUsed[keyHash] = true;
        powerOf[validator] = power;
        validatorCount += 1;
        emit ValidatorAdded(validator, blsPublicKey, proofOfPossession, power);
    }

    function setPower(address validator, uint64 power) external onlyGovernance {
        require(powerOf[validator] != 0, "ValidatorGovernance: validator is not in the set");
        require(power > 0 && power <= MAX_POWER, "ValidatorGovernance: power must be 1..2^40");
        powerOf[validator] = power;
        emit ValidatorPowerChanged(validator, power);
    }

    function removeValidator(address validator) external onlyGovernance {
        require(powerOf[validator] != 0, "ValidatorGovernance: validator is not in the set");
        require(validatorCount > 1, "ValidatorGovernance: cannot remove the last validator");
        powerOf[validator] = 0;
        validatorCount -= 1;
        emit ValidatorRemoved(validator);
    }
}
