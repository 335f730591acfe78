pragma circom 2.0.0;

// Settlement circuit: proves that `newRoot` is `oldRoot` with an aligned subtree of 2^BATCH_LEVELS
// leaves appended at `startIndex` of an append-only Poseidon exit tree of height DEPTH, and binds
// `leafCount` (real leaves; the rest are empty padding) and `settlementHash`.
//
// Public signals, in this order: oldRoot, newRoot, startIndex, leafCount, settlementHash.
//
// Cost: (2^BATCH_LEVELS - 1) Poseidon(2) for the batch subtree, plus two Poseidon(2) per level
// above it (one for the old root, one for the new root, sharing the siblings). See README.md.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "./exit_tree_zeros.circom";

template Settlement(DEPTH, BATCH_LEVELS) {
    var K = 1 << BATCH_LEVELS;
    var PATH = DEPTH - BATCH_LEVELS;

    signal input oldRoot;
    signal input newRoot;
    signal input startIndex;
    signal input leafCount;
    signal input settlementHash;

    signal input leaves[K];
    signal input siblings[PATH];

    // leafCount is in [0, K]; leaves at or past it must be empty (0), leaves before it must not be.
    component countBits = Num2Bits(BATCH_LEVELS + 1);
    countBits.in <== leafCount;
    component countMax = LessEqThan(BATCH_LEVELS + 1);
    countMax.in[0] <== leafCount;
    countMax.in[1] <== K;
    countMax.out === 1;

    component active[K];
    component isEmpty[K];
    for (var i = 0; i < K; i++) {
        active[i] = LessThan(BATCH_LEVELS + 1);
        active[i].in[0] <== i;
        active[i].in[1] <== leafCount;
        isEmpty[i] = IsZero();
        isEmpty[i].in <== leaves[i];
        // padding is empty
        leaves[i] * (1 - active[i].out) === 0;
        // a real leaf is not the empty leaf
        isEmpty[i].out * active[i].out === 0;
    }

    // The batch subtree root, level by level (heap order).
    component subtree[K - 1];
    signal nodes[2 * K - 1];
    for (var i = 0; i < K; i++) {
        nodes[K - 1 + i] <== leaves[i];
    }
    for (var i = K - 2; i >= 0; i--) {
        subtree[i] = Poseidon(2);
        subtree[i].inputs[0] <== nodes[2 * i + 1];
        subtree[i].inputs[1] <== nodes[2 * i + 2];
        nodes[i] <== subtree[i].out;
    }

    // startIndex < 2^DEPTH and aligned to the batch size.
    component indexBits = Num2Bits(DEPTH);
    indexBits.in <== startIndex;
    for (var b = 0; b < BATCH_LEVELS; b++) {
        indexBits.out[b] === 0;
    }

    // One path from the batch position to the root. Old side: the subtree there is empty.
    // New side: it holds the batch. Right-hand siblings must be empty subtrees, so everything
    // after the batch is empty in the old tree: this is an append at the next free position.
    signal oldCur[PATH + 1];
    signal newCur[PATH + 1];
    signal oldLeft[PATH];
    signal newLeft[PATH];
    component oldHash[PATH];
    component newHash[PATH];
    oldCur[0] <== exitTreeZero(BATCH_LEVELS);
    newCur[0] <== nodes[0];
    for (var l = 0; l < PATH; l++) {

        (1 - indexBits.out[BATCH_LEVELS + l]) * (siblings[l] - exitTreeZero(BATCH_LEVELS + l)) === 0;

        oldLeft[l] <== oldCur[l] + indexBits.out[BATCH_LEVELS + l] * (siblings[l] - oldCur[l]);
        oldHash[l] = Poseidon(2);
        oldHash[l].inputs[0] <== oldLeft[l];
        oldHash[l].inputs[1] <== siblings[l] + oldCur[l] - oldLeft[l];
        oldCur[l + 1] <== oldHash[l].out;

        newLeft[l] <== newCur[l] + indexBits.out[BATCH_LEVELS + l] * (siblings[l] - newCur[l]);
        newHash[l] = Poseidon(2);
        newHash[l].inputs[0] <== newLeft[l];
        newHash[l].inputs[1] <== siblings[l] + newCur[l] - newLeft[l];
        newCur[l + 1] <== newHash[l].out;
    }
    oldRoot === oldCur[PATH];
    newRoot === newCur[PATH];

    // Tie settlementHash into a constraint so the proof cannot be replayed with another one.
    signal settlementHashSquare;
    settlementHashSquare <== settlementHash * settlementHash;
}

component main {public [oldRoot, newRoot, startIndex, leafCount, settlementHash]} = Settlement(24, 4);
