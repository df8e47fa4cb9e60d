import Crypto
import Foundation
import Privacy
import Testing

@Suite("Transparency log: RFC 6962 Merkle tree and signed heads")
struct MerkleTreeTests {
    static func leaves(_ n: Int) -> [[UInt8]] { (0..<n).map { MerkleTree.leafHash(Array("entry \($0)".utf8)) } }

    @Test("known answers: the empty tree and RFC 6962 domain separation")
    func knownAnswers() {
        #expect(MerkleTree.root([]).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // Leaf hash of the empty string with the 0x00 prefix (as in Certificate Transparency's tests).
        #expect(MerkleTree.leafHash([]).hex == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        let a = MerkleTree.leafHash([1]), b = MerkleTree.leafHash([2])
        #expect(MerkleTree.root([a, b]) == Array(SHA256.hash(data: [0x01] + a + b)))
    }

    @Test("every inclusion proof verifies, and a forged one does not", arguments: [1, 2, 3, 5, 8, 13, 31, 64])
    func inclusion(size: Int) {
        let l = Self.leaves(size)
        let root = MerkleTree.root(l)
        #expect(
            MerkleTree.inclusionProofs(indices: Array(0..<size), leaves: l[...])
                == (0..<size).map { MerkleTree.inclusionProof(index: $0, leaves: l[...]) })
        for i in 0..<size {
            let proof = MerkleTree.inclusionProof(index: i, leaves: l[...])
            #expect(MerkleTree.verifyInclusion(leaf: l[i], index: i, size: size, proof: proof, root: root))
            // Wrong index, wrong leaf, a flipped bit in the path, a truncated path: all refused.
            #expect(
                !MerkleTree.verifyInclusion(
                    leaf: l[i], index: (i + 1) % max(size, 2), size: max(size, 2),
                    proof: proof, root: root) || size == 1)
            #expect(
                !MerkleTree.verifyInclusion(
                    leaf: MerkleTree.leafHash([9, 9]), index: i, size: size, proof: proof, root: root))
            if !proof.isEmpty {
                var forged = proof
                forged[0][0] ^= 1
                #expect(!MerkleTree.verifyInclusion(leaf: l[i], index: i, size: size, proof: forged, root: root))
                #expect(
                    !MerkleTree.verifyInclusion(
                        leaf: l[i], index: i, size: size, proof: Array(proof.dropLast()), root: root))
            }
        }
    }

    @Test("consistency proofs verify for every pair of sizes up to 40 and fail for a rewritten prefix")
    func consistency() {
        let l = Self.leaves(40)
        for n in 1...40 {
            let rootN = MerkleTree.root(l[0..<n])
            for m in 1...n {
                let rootM = MerkleTree.root(l[0..<m])
                let proof = MerkleTree.consistencyProof(first: m, leaves: l[0..<n])
                #expect(
                    MerkleTree.verifyConsistency(first: m, firstRoot: rootM, second: n, secondRoot: rootN, proof: proof)
                )
                if m < n {
                    var rewritten = l
                    rewritten[m - 1] = MerkleTree.leafHash([7])
                    let otherRoot = MerkleTree.root(rewritten[0..<m])
                    #expect(
                        !MerkleTree.verifyConsistency(
                            first: m, firstRoot: otherRoot, second: n, secondRoot: rootN, proof: proof))
                }
            }
        }
    }

    @Test("the auditor passes an honest log and finds a changed entry, a recomputed hash and a deleted tail")
    func auditor() throws {
        let key = Curve25519.Signing.PrivateKey()
        var entries: [(json: String, leafHash: [UInt8])] = []
        var heads: [SignedTreeHead] = []
        for i in 0..<12 {
            let e = AccessEntry(
                at: 1_800_000_000 + Int64(i), kind: .evidenceOpened, subject: "s\(i % 3)",
                actor: "a1", role: "moderator", space: "gwangju/acc", reportId: Int64(i), purpose: "report \(i)")
            let json = e.canonicalJSON()
            entries.append((json, MerkleTree.leafHash(Array(json.utf8))))
            heads.append(
                try SignedTreeHead.sign(
                    size: entries.count, timestamp: e.at,
                    root: MerkleTree.root(entries.map(\.leafHash)), key: key))
        }
        #expect(LogAuditor.verify(entries: entries, heads: heads, publicKey: key.publicKey).ok)

        var changed = entries
        changed[4].json = changed[4].json.replacingOccurrences(of: "\"s1\"", with: "\"s2\"")
        let r1 = LogAuditor.verify(entries: changed, heads: heads, publicKey: key.publicKey)
        #expect(!r1.ok && r1.problems.contains { $0.contains("entry 4") })

        // A careful forger also fixes the stored leaf hash: the signed heads still catch it.
        changed[4].leafHash = MerkleTree.leafHash(Array(changed[4].json.utf8))
        let r2 = LogAuditor.verify(entries: changed, heads: heads, publicKey: key.publicKey)
        #expect(!r2.ok && r2.problems.contains { $0.contains("root differs") })

        let r3 = LogAuditor.verify(entries: Array(entries.prefix(9)), heads: heads, publicKey: key.publicKey)
        #expect(!r3.ok && r3.problems.contains { $0.contains("holds only 9") })

        let other = Curve25519.Signing.PrivateKey()
        let r4 = LogAuditor.verify(entries: entries, heads: heads, publicKey: other.publicKey)
        #expect(!r4.ok && r4.problems.allSatisfy { $0.contains("signature") })
    }

    @Test("the frontier's root equals the full tree's root at every size up to 70")
    func frontier() {
        let l = Self.leaves(70)
        var f = MerkleFrontier()
        #expect(f.root == MerkleTree.root([]))
        for n in 1...70 {
            f.append(l[n - 1])
            #expect(f.root == MerkleTree.root(l[0..<n]) && f.count == n)
        }
    }

    @Test("subject tags are stable per secret and differ between secrets")
    func tags() {
        let a = SubjectTag.make(secret: Array(repeating: 1, count: 16))
        #expect(a == SubjectTag.make(secret: Array(repeating: 1, count: 16)))
        #expect(a != SubjectTag.make(secret: Array(repeating: 2, count: 16)))
        #expect(a.count == 32)
    }
}
