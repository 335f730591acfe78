// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Mailbox} from "./Mailbox.sol";
import {SPNRegistry} from "./SPNRegistry.sol";

interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[5] calldata pubSignals
    ) external view returns (bool);
}

/**
 * @title Settlement
 * @notice Accepts SPN settlements: `submit(header, proof, publicSignals, quote)` from the SPN's operator.
 * A settlement is accepted only if the SPN is active, the header extends the last accepted one (contiguous
 * block range, previous state and exit roots, next exit-tree batch index), the public signals are the
 * header's, the Groth16 proof verifies with the SPN's verifier (a settlement with no leaves, whose exit root
 * must then equal the previous one, may carry empty proof bytes instead), and the TEE quote verifies (through the
 * quote-verifier precompile at 0x…0a01) with one of the SPN's measurements and report data
 * `keccak256(header) ‖ 0^32`. Every rejection reverts with a reason starting `Settlement: `.
 * @dev Placed in the main-net genesis at 0x0000000000000000000000000000000000001002.
 *
 * Header: `abi.encode(uint64 spnId, uint64 fromBlock, uint64 toBlock, bytes32 prevStateRoot,
 * bytes32 newStateRoot, bytes32 prevExitRoot, bytes32 newExitRoot, uint64 startIndex, uint64 leafCount)`,
 * exactly 288 bytes. Proof: `abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c)` as the Solidity
 * verifier takes it (256 bytes). Public signals: `[oldRoot, newRoot, startIndex, leafCount, settlementHash]`.
 */
contract Settlement {
    SPNRegistry public constant REGISTRY = SPNRegistry(0x0000000000000000000000000000000000001001);
    Mailbox public constant MAILBOX = Mailbox(0x0000000000000000000000000000000000001003);
    address public constant QUOTE_VERIFIER = 0x0000000000000000000000000000000000000a01;
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// Root of an empty depth-24 Poseidon exit tree (zk-bridge's ZERO_HASHES[24]).
    bytes32 public constant EMPTY_EXIT_ROOT = 0x27171fb4a97b6cc0e9e8f543b5294de866a2af2c9c8d0b1d96e673e4529ed540;
    /// Leaves one settlement proof appends (an aligned subtree, padded with empty leaves).
    uint64 public constant BATCH_SIZE = 16;
    uint256 public constant HEADER_LENGTH = 288;
    uint256 public constant PROOF_LENGTH = 256;

    struct Header {
        uint64 spnId;
        uint64 fromBlock;
        uint64 toBlock;
        bytes32 prevStateRoot;
        bytes32 newStateRoot;
        bytes32 prevExitRoot;
        bytes32 newExitRoot;
        uint64 startIndex;
        uint64 leafCount;
    }

    /// The last accepted settlement of an SPN.
    struct Tip {
        uint64 count;
        uint64 toBlock;
        uint64 nextStartIndex;
        bytes32 stateRoot;
        bytes32 exitRoot;
        bytes32 headerHash;
    }

    /// slot 0
    mapping(uint64 => Tip) internal tips;

    event SettlementAccepted(
        uint64 indexed spnId,
        uint64 indexed settlementIndex,
        bytes32 indexed headerHash,
        uint64 fromBlock,
        uint64 toBlock,
        bytes32 newStateRoot,
        bytes32 newExitRoot,
        uint64 startIndex,
        uint64 leafCount,
        bool simulatedTee
    );

    /// @notice The last accepted settlement (count 0: none yet; the other fields are then what the first must extend).
    function tipOf(uint64 spnId)
        external
        view
        returns (
            uint64 count,
            uint64 toBlock,
            uint64 nextStartIndex,
            bytes32 stateRoot,
            bytes32 exitRoot,
            bytes32 headerHash
        )
    {
        Tip memory t = _tip(spnId, REGISTRY.getGenesisStateRoot(spnId));
        return (t.count, t.toBlock, t.nextStartIndex, t.stateRoot, t.exitRoot, t.headerHash);
    }

    function submit(bytes calldata header, bytes calldata proof, uint256[5] calldata publicSignals, bytes calldata quote)
        external
        returns (uint64 settlementIndex)
    {
        require(header.length == HEADER_LENGTH, "Settlement: header must be 288 bytes (abi-encoded SettlementHeader)");
        Header memory h = abi.decode(header, (Header));
        bytes32 headerHash = keccak256(header);
        Policy memory p = _policy(h.spnId);
        require(p.status != 0, "Settlement: SPN not registered");
        require(p.status == 1, "Settlement: SPN not active");
        require(msg.sender == p.operator, "Settlement: sender is not the SPN operator");

        Tip memory tip = _tip(h.spnId, p.genesisStateRoot);
        _checkExtends(h, headerHash, tip);
        // A settlement without leaves appends nothing to the exit tree: `_checkExtends` already holds its
        // exit root to the previous one, which is all its proof would show, so it may come without one.
        if (h.leafCount > 0 || proof.length > 0) {
            _checkSignals(h, headerHash, publicSignals);
            _checkProof(p.verifier, proof, publicSignals);
        }
        bool simulated = _checkQuote(quote, p.measurements, p.simulatedRoots, headerHash);
        return _accept(h, headerHash, tip.count + 1, simulated);
    }

    struct Policy {
        uint8 status;
        address operator;
        address verifier;
        bytes32 genesisStateRoot;
        bytes[] measurements;
        bytes[] simulatedRoots;
    }

    function _policy(uint64 spnId) internal view returns (Policy memory p) {
        (p.status, p.operator, p.verifier, p.genesisStateRoot, p.measurements, p.simulatedRoots) =
            REGISTRY.settlementPolicy(spnId);
    }

    function _accept(Header memory h, bytes32 headerHash, uint64 settlementIndex, bool simulated)
        internal
        returns (uint64)
    {
        tips[h.spnId] = Tip({
            count: settlementIndex,
            toBlock: h.toBlock,
            nextStartIndex: h.startIndex + BATCH_SIZE,
            stateRoot: h.newStateRoot,
            exitRoot: h.newExitRoot,
            headerHash: headerHash
        });
        MAILBOX.finalize(h.spnId, h.newExitRoot, h.toBlock, h.startIndex, h.leafCount, BATCH_SIZE);
        emit SettlementAccepted(
            h.spnId,
            settlementIndex,
            headerHash,
            h.fromBlock,
            h.toBlock,
            h.newStateRoot,
            h.newExitRoot,
            h.startIndex,
            h.leafCount,
            simulated
        );
        return settlementIndex;
    }

    function _tip(uint64 spnId, bytes32 genesisStateRoot) internal view returns (Tip memory t) {
        t = tips[spnId];
        if (t.count == 0) {
            t.stateRoot = genesisStateRoot;
            t.exitRoot = EMPTY_EXIT_ROOT;
        }
    }

    function _checkExtends(Header memory h, bytes32 headerHash, Tip memory tip) internal pure {
        require(headerHash != tip.headerHash, "Settlement: settlement already accepted");
        require(h.fromBlock > tip.toBlock, "Settlement: block range already settled");
        require(h.fromBlock == tip.toBlock + 1, "Settlement: block range skips blocks after the last settlement");
        require(h.toBlock >= h.fromBlock, "Settlement: toBlock is before fromBlock");
        require(h.prevStateRoot == tip.stateRoot, "Settlement: prevStateRoot is not the last accepted state root");
        require(h.prevExitRoot == tip.exitRoot, "Settlement: prevExitRoot is not the last accepted exit root");
        require(h.startIndex == tip.nextStartIndex, "Settlement: startIndex is not the next exit-tree batch");
        require(h.leafCount <= BATCH_SIZE, "Settlement: leafCount above 16");
        require(uint256(h.newExitRoot) < SNARK_SCALAR_FIELD, "Settlement: newExitRoot is not a field element");
        require(h.leafCount > 0 || h.newExitRoot == h.prevExitRoot, "Settlement: no leaves but the exit root changed");
    }

    function _checkSignals(Header memory h, bytes32 headerHash, uint256[5] calldata s) internal pure {
        require(s[0] == uint256(h.prevExitRoot), "Settlement: public signal oldRoot is not the header's prevExitRoot");
        require(s[1] == uint256(h.newExitRoot), "Settlement: public signal newRoot is not the header's newExitRoot");
        require(s[2] == h.startIndex, "Settlement: public signal startIndex is not the header's startIndex");
        require(s[3] == h.leafCount, "Settlement: public signal leafCount is not the header's leafCount");
        require(
            s[4] == uint256(headerHash) % SNARK_SCALAR_FIELD,
            "Settlement: public signal settlementHash is not the header's hash"
        );
    }

    function _checkProof(address verifier, bytes calldata proof, uint256[5] calldata s) internal view {
        require(verifier != address(0), "Settlement: no verifier for the SPN's verifying key");
        require(proof.length == PROOF_LENGTH, "Settlement: proof must be 256 bytes (abi-encoded a, b, c)");
        (uint256[2] memory a, uint256[2][2] memory b, uint256[2] memory c) =
            abi.decode(proof, (uint256[2], uint256[2][2], uint256[2]));
        require(IGroth16Verifier(verifier).verifyProof(a, b, c, s), "Settlement: invalid Groth16 proof");
    }

    function _checkQuote(
        bytes calldata quote,
        bytes[] memory measurements,
        bytes[] memory simulatedRoots,
        bytes32 headerHash
    ) internal view returns (bool simulated) {
        bytes memory input = abi.encode(quote, measurements, abi.encodePacked(headerHash, bytes32(0)), simulatedRoots);
        (bool ok, bytes memory out) = QUOTE_VERIFIER.staticcall(input);
        require(ok && out.length >= 128, "Settlement: quote verifier precompile failed");
        uint8 status;
        (status, simulated,,) = abi.decode(out, (uint8, bool, bytes, bytes));
        if (status > 1) revert(string.concat("Settlement: quote rejected: ", _statusName(status)));
    }

    /// tee-attest's VERIFY_STATUSES, by index.
    function _statusName(uint8 status) internal pure returns (string memory) {
        string[19] memory names = [
            "ok",
            "ok-simulated",
            "malformed",
            "unsupported-quote",
            "certificate-invalid",
            "untrusted-root",
            "simulated-not-allowed",
            "certificate-chain-invalid",
            "certificate-expired",
            "qe-report-signature-invalid",
            "attestation-key-mismatch",
            "quote-signature-invalid",
            "collateral-missing",
            "collateral-rejected",
            "debug-enclave",
            "measurement-not-allowed",
            "report-data-mismatch",
            "invalid-policy",
            "verifier-error"
        ];
        if (status < names.length) return names[status];
        return "bad-input";
    }
}
