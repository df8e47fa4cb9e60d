import Crypto
import Foundation

/// The RFC 6962 (Certificate Transparency) Merkle tree over SHA-256: leaf and node hashes are
/// domain-separated (0x00 / 0x01), so a leaf can never pass for a node.
///
/// Functions take the leaves' hashes; proofs are lists of 32-byte hashes, as in RFC 9162 §2.1.
public enum MerkleTree {
    public typealias Hash = [UInt8]

    public static func leafHash(_ data: some Sequence<UInt8>) -> Hash {
        var h = SHA256()
        h.update(data: [0x00])
        h.update(data: Array(data))
        return Array(h.finalize())
    }

    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var h = SHA256()
        h.update(data: [0x01])
        h.update(data: left)
        h.update(data: right)
        return Array(h.finalize())
    }

    /// The tree head of `leaves` (the hash of the empty string for no leaves).
    public static func root(_ leaves: ArraySlice<Hash>) -> Hash {
        switch leaves.count {
        case 0: return Array(SHA256.hash(data: [UInt8]()))
        case 1: return leaves[leaves.startIndex]
        default:
            let k = splitPoint(leaves.count)
            let mid = leaves.startIndex + k
            return nodeHash(root(leaves[leaves.startIndex..<mid]), root(leaves[mid...]))
        }
    }

    public static func root(_ leaves: [Hash]) -> Hash { root(leaves[...]) }

    /// The audit path for leaf `index` in the tree of `leaves` (RFC 6962 §2.1.1).
    public static func inclusionProof(index: Int, leaves: ArraySlice<Hash>) -> [Hash] {
        precondition(leaves.indices.contains(leaves.startIndex + index))
        if leaves.count <= 1 { return [] }
        let k = splitPoint(leaves.count)
        let mid = leaves.startIndex + k
        if index < k {
            return inclusionProof(index: index, leaves: leaves[leaves.startIndex..<mid]) + [root(leaves[mid...])]
        }
        return inclusionProof(index: index - k, leaves: leaves[mid...]) + [root(leaves[leaves.startIndex..<mid])]
    }

    /// Audit paths for several leaves of one tree, sharing the subtree hashes between them: about
    /// n + k·log n hashes for k proofs instead of k·n.
    public static func inclusionProofs(indices: [Int], leaves: ArraySlice<Hash>) -> [[Hash]] {
        var memo: [Range<Int>: Hash] = [:]
        func memoRoot(_ r: Range<Int>) -> Hash {
            if let h = memo[r] { return h }
            let h: Hash
            if r.count <= 1 {
                h = r.isEmpty ? root([]) : leaves[r.lowerBound]
            } else {
                let mid = r.lowerBound + splitPoint(r.count)
                h = nodeHash(memoRoot(r.lowerBound..<mid), memoRoot(mid..<r.upperBound))
            }
            memo[r] = h
            return h
        }
        func path(_ index: Int, _ r: Range<Int>) -> [Hash] {
            if r.count <= 1 { return [] }
            let mid = r.lowerBound + splitPoint(r.count)
            if index < mid { return path(index, r.lowerBound..<mid) + [memoRoot(mid..<r.upperBound)] }
            return path(index, mid..<r.upperBound) + [memoRoot(r.lowerBound..<mid)]
        }
        return indices.map { path(leaves.startIndex + $0, leaves.startIndex..<leaves.endIndex) }
    }

    /// Whether `proof` shows leaf `leaf` at `index` in a tree of `size` leaves with head `root` (RFC 9162 §2.1.3.2).
    public static func verifyInclusion(leaf: Hash, index: Int, size: Int, proof: [Hash], root: Hash) -> Bool {
        guard index >= 0, index < size, proof.allSatisfy({ $0.count == 32 }) else { return false }
        var fn = index
        var sn = size - 1
        var r = leaf
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// The proof that the tree of the first `first` leaves is a prefix of the tree of all `leaves` (RFC 6962 §2.1.2).
    public static func consistencyProof(first: Int, leaves: ArraySlice<Hash>) -> [Hash] {
        precondition(first >= 1 && first <= leaves.count)
        return subproof(first, leaves, complete: true)
    }

    private static func subproof(_ m: Int, _ d: ArraySlice<Hash>, complete: Bool) -> [Hash] {
        if m == d.count { return complete ? [] : [root(d)] }
        let k = splitPoint(d.count)
        let mid = d.startIndex + k
        if m <= k {
            return subproof(m, d[d.startIndex..<mid], complete: complete) + [root(d[mid...])]
        }
        return subproof(m - k, d[mid...], complete: false) + [root(d[d.startIndex..<mid])]
    }

    /// Whether `proof` shows the tree (`first`, `firstRoot`) is a prefix of (`second`, `secondRoot`) (RFC 9162 §2.1.4.2).
    public static func verifyConsistency(
        first: Int, firstRoot: Hash, second: Int, secondRoot: Hash, proof: [Hash]
    ) -> Bool {
        guard first >= 1, first <= second, proof.allSatisfy({ $0.count == 32 }) else { return false }
        if first == second { return proof.isEmpty && firstRoot == secondRoot }
        guard !proof.isEmpty else { return false }
        var path = proof
        if first & (first - 1) == 0 { path.insert(firstRoot, at: 0) }
        var fn = first - 1
        var sn = second - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == firstRoot && sr == secondRoot && sn == 0
    }

    /// The largest power of two below `n` (n ≥ 2).
    static func splitPoint(_ n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hexadecimal.
    public var hex: String { map { String(format: "%02x", $0) }.joined() }

    /// Bytes from hexadecimal, or nil when `hex` is not an even run of hex digits.
    public init?(hex: String) {
        guard hex.utf8.count % 2 == 0, hex.utf8.count <= 1 << 20 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var it = hex.utf8.makeIterator()
        while let a = it.next(), let b = it.next() {
            guard let hi = Self.nibble(a), let lo = Self.nibble(b) else { return nil }
            bytes.append(hi << 4 | lo)
        }
        self = bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}

/// The right edge of an RFC 6962 tree: the roots of its perfect subtrees, largest first. Appending
/// and reading the root cost O(log n), so a growing log never re-hashes its history.
public struct MerkleFrontier: Sendable {
    private var stack: [(size: Int, hash: MerkleTree.Hash)] = []
    public private(set) var count = 0

    public init() {}

    public init(leaves: some Sequence<MerkleTree.Hash>) {
        for leaf in leaves { append(leaf) }
    }

    public mutating func append(_ leaf: MerkleTree.Hash) {
        var node = (size: 1, hash: leaf)
        while let last = stack.last, last.size == node.size {
            stack.removeLast()
            node = (last.size * 2, MerkleTree.nodeHash(last.hash, node.hash))
        }
        stack.append(node)
        count += 1
    }

    /// Equal to `MerkleTree.root` of all leaves appended.
    public var root: MerkleTree.Hash {
        guard var r = stack.last?.hash else { return MerkleTree.root([]) }
        for subtree in stack.dropLast().reversed() { r = MerkleTree.nodeHash(subtree.hash, r) }
        return r
    }
}
