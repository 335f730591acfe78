// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title SPNRegistry
 * @notice The SPNs the main net settles: id, chain id, operator, allowed enclave measurements, the dev roots
 * its simulated enclave may chain to, the verifying-key hash of its settlement proofs, its bond and status.
 * Only the owner (the governance key) registers and deregisters SPNs.
 * @dev Placed in the main-net genesis at 0x0000000000000000000000000000000000001001 with no constructor run:
 * genesis writes slot 0 (owner), slot 1 (minBond) and the `verifiers` entries (slot 2) directly, so the
 * order of the first three state variables is part of the genesis format.
 */
contract SPNRegistry {
    uint8 public constant STATUS_NONE = 0;
    uint8 public constant STATUS_ACTIVE = 1;
    uint8 public constant STATUS_DEREGISTERED = 2;
    uint256 public constant MAX_MEASUREMENTS = 8;
    uint256 public constant MAX_SIMULATED_ROOTS = 4;
    uint256 public constant MAX_ROOT_BYTES = 4096;

    struct SPN {
        uint64 chainId;
        address operator;
        uint8 status;
        bytes32 vkHash;
        bytes32 genesisStateRoot;
        uint256 bond;
        bytes[] measurements;
        bytes[] simulatedRoots;
    }

    /// slot 0
    address public owner;
    /// slot 1: the least bond (wei) a registration must carry.
    uint256 public minBond;
    /// slot 2: verifying-key hash => Groth16 verifier contract.
    mapping(bytes32 => address) public verifiers;
    /// slot 3
    mapping(uint64 => SPN) internal spns;
    /// slot 4: chain id => spnId, so two SPNs never share a chain id.
    mapping(uint64 => uint64) public spnIdOfChain;
    /// slot 5
    uint64[] internal ids;

    event OwnerChanged(address indexed previousOwner, address indexed newOwner);
    event MinBondChanged(uint256 minBond);
    event VerifierSet(bytes32 indexed vkHash, address verifier);
    event SPNRegistered(
        uint64 indexed spnId, uint64 chainId, address indexed operator, bytes32 vkHash, bool simulatedAllowed, uint256 bond
    );
    event SPNDeregistered(uint64 indexed spnId, address indexed operator, uint256 bondReturned);

    modifier onlyOwner() {
        require(msg.sender == owner, "SPNRegistry: caller is not the owner");
        _;
    }

    function setOwner(address newOwner) external onlyOwner {
        require(newOwner != address(0), "SPNRegistry: owner must not be the zero address");
        emit OwnerChanged(owner, newOwner);
        owner = newOwner;
    }

    function setMinBond(uint256 value) external onlyOwner {
        minBond = value;
        emit MinBondChanged(value);
    }

    /// @notice Adds (or, with address(0), removes) the verifier for a verifying-key hash.
    function setVerifier(bytes32 vkHash, address verifier) external onlyOwner {
        require(vkHash != bytes32(0), "SPNRegistry: vkHash must be nonzero");
        require(verifier == address(0) || verifier.code.length > 0, "SPNRegistry: verifier has no code");
        verifiers[vkHash] = verifier;
        emit VerifierSet(vkHash, verifier);
    }

    /**
     * @notice Registers an SPN; `msg.value` is its bond.
     * @param measurements allowed enclave measurements: 32-byte SGX mr_enclave or 48-byte TDX mr_td (1 to 8).
     * @param simulatedRoots DER dev root certificates of simulated enclaves; empty means hardware (Intel root)
     * quotes only, non-empty means quotes chained to one of these roots are accepted as `ok-simulated`.
     * @param genesisStateRoot the SPN's block-0 state root: the first settlement's prevStateRoot.
     */
    function register(
        uint64 spnId,
        uint64 chainId,
        address operator,
        bytes[] calldata measurements,
        bytes[] calldata simulatedRoots,
        bytes32 vkHash,
        bytes32 genesisStateRoot
    ) external payable onlyOwner {
        require(spnId != 0, "SPNRegistry: spnId must be nonzero");
        require(spns[spnId].status == STATUS_NONE, "SPNRegistry: spnId already used");
        require(chainId != 0, "SPNRegistry: chainId must be nonzero");
        require(spnIdOfChain[chainId] == 0, "SPNRegistry: chainId already registered");
        require(operator != address(0), "SPNRegistry: operator must not be the zero address");
        require(
            measurements.length > 0 && measurements.length <= MAX_MEASUREMENTS,
            "SPNRegistry: 1 to 8 measurements expected"
        );
        for (uint256 i = 0; i < measurements.length; i++) {
            uint256 len = measurements[i].length;
            require(len == 32 || len == 48, "SPNRegistry: a measurement must be 32 (SGX) or 48 (TDX) bytes");
        }
        require(simulatedRoots.length <= MAX_SIMULATED_ROOTS, "SPNRegistry: at most 4 simulated roots");
        for (uint256 i = 0; i < simulatedRoots.length; i++) {
            uint256 len = simulatedRoots[i].length;
            require(len > 0 && len <= MAX_ROOT_BYTES, "SPNRegistry: a simulated root must be 1 to 4096 DER bytes");
        }
        require(verifiers[vkHash] != address(0), "SPNRegistry: no verifier for vkHash");
        require(msg.value >= minBond, "SPNRegistry: bond below minBond");

        SPN storage s = spns[spnId];
        s.chainId = chainId;
        s.operator = operator;
        s.status = STATUS_ACTIVE;
        s.vkHash = vkHash;
        s.genesisStateRoot = genesisStateRoot;
        s.bond = msg.value;
        for (uint256 i = 0; i < measurements.length; i++) s.measurements.push(measurements[i]);
        for (uint256 i = 0; i < simulatedRoots.length; i++) s.simulatedRoots.push(simulatedRoots[i]);
        spnIdOfChain[chainId] = spnId;
        ids.push(spnId);
        emit SPNRegistered(spnId, chainId, operator, vkHash, simulatedRoots.length > 0, msg.value);
    }

    /// @notice Stops accepting settlements from an SPN and returns its bond to the operator.
    function deregister(uint64 spnId) external onlyOwner {
        SPN storage s = spns[spnId];
        require(s.status == STATUS_ACTIVE, "SPNRegistry: SPN is not active");
        s.status = STATUS_DEREGISTERED;
        uint256 bond = s.bond;
        s.bond = 0;
        emit SPNDeregistered(spnId, s.operator, bond);
        if (bond > 0) {
            (bool ok,) = s.operator.call{value: bond}("");
            require(ok, "SPNRegistry: bond transfer to the operator failed");
        }
    }

    function getSPN(uint64 spnId)
        external
        view
        returns (
            uint64 chainId,
            address operator,
            uint8 status,
            bytes32 vkHash,
            bytes32 genesisStateRoot,
            uint256 bond,
            bytes[] memory measurements,
            bytes[] memory simulatedRoots
        )
    {
        SPN storage s = spns[spnId];
        return (s.chainId, s.operator, s.status, s.vkHash, s.genesisStateRoot, s.bond, s.measurements, s.simulatedRoots);
    }

    function getGenesisStateRoot(uint64 spnId) external view returns (bytes32) {
        return spns[spnId].genesisStateRoot;
    }

    function isActive(uint64 spnId) external view returns (bool) {
        return spns[spnId].status == STATUS_ACTIVE;
    }

    function spnIds() external view returns (uint64[] memory) {
        return ids;
    }

    /// @notice What Settlement needs to check a settlement of `spnId`, in one call.
    function settlementPolicy(uint64 spnId)
        external
        view
        returns (
            uint8 status,
            address operator,
            address verifier,
            bytes32 genesisStateRoot,
            bytes[] memory measurements,
            bytes[] memory simulatedRoots
        )
    {
        SPN storage s = spns[spnId];
        return (s.status, s.operator, verifiers[s.vkHash], s.genesisStateRoot, s.measurements, s.simulatedRoots);
    }
}
