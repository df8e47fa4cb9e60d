import Foundation
import Hummingbird
import Privacy
import Storage

/// The public face of the transparency log of staff looks at personal data: the latest signed
/// tree head, consistency proofs between two sizes, and the key that signs the heads.
struct TransparencyController {
    let services: Services

    struct HeadBody: Encodable {
        let size: Int
        let timestamp: Int64
        let rootHash: String
        let signature: String
        let publicKey: String
        let algorithm = "Ed25519"
        let signedMessage: String
    }

    struct ConsistencyBody: Encodable {
        let first: Int
        let second: Int
        let proof: [String]
    }

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/transparency/head", use: head)
            .get("/api/v1/transparency/consistency", use: consistency)
            .get("/api/v1/transparency/key", use: key)
    }

    @Sendable func head(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        guard let head = try await services.store.latestTreeHead() else {
            throw APIError(.notFound, "empty_log", "no staff access has been logged yet")
        }
        return JSON.response(Self.headBody(head, services))
    }

    @Sendable func consistency(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        let leaves = try await services.accessLog.currentLeaves()
        guard let first = q.get("first").flatMap(Int.init), let second = q.get("second").flatMap(Int.init),
            first >= 1, first <= second, second <= leaves.count
        else {
            throw APIError.invalid("first, second", "sizes with 1 ≤ first ≤ second ≤ \(leaves.count)")
        }
        let proof = MerkleTree.consistencyProof(first: first, leaves: leaves[0..<second])
        return JSON.response(ConsistencyBody(first: first, second: second, proof: proof.map(\.hex)))
    }

    @Sendable func key(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        JSON.response([
            "algorithm": "Ed25519",
            "publicKey": services.accessLog.publicKey.base64EncodedString(),
        ])
    }

    static func headBody(_ h: StoredTreeHead, _ services: Services) -> HeadBody {
        HeadBody(
            size: h.size, timestamp: h.timestamp, rootHash: h.rootHash, signature: h.signature,
            publicKey: services.accessLog.publicKey.base64EncodedString(),
            signedMessage: String(
                decoding: SignedTreeHead.signedMessage(size: h.size, timestamp: h.timestamp, rootHash: h.rootHash),
                as: UTF8.self))
    }
}
