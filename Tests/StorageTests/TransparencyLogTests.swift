import Crypto
import Foundation
import Privacy
import Storage
import Testing

/// The transparency log appended by several nodes at once stays one tree: the store orders every
/// append, a node that lost the race reloads and retries, and the auditor verifies the result.
@Suite struct TransparencyLogTests {
    @Test(arguments: Backend.available) func appendsFromTwoNodesAtOnceMakeOneVerifiableLog(_ backend: Backend)
        async throws
    {
        let db = try await backend.fresh()
        let (one, two) = (try await db.open(), try await db.open())
        // Every node signs with the cluster's one transparency key.
        let key = Curve25519.Signing.PrivateKey().rawRepresentation
        let nodes = [
            AccessLog(store: one, key: try .init(rawRepresentation: key)),
            AccessLog(store: two, key: try .init(rawRepresentation: key)),
        ]
        let subject = try await one.createAccount(username: "subject", passwordHash: "h", now: Date()).id
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let appended = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<24 {
                group.addTask {
                    try await nodes[i % 2].record(
                        .evidenceOpened, subject: subject, actor: nil, role: "operator", purpose: "check \(i)",
                        now: now + Double(i))
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(appended.sorted() == Array(0..<24), "every append got its own index")
        for node in nodes {
            let audit = try await node.audit()
            #expect(audit.ok && audit.entries == 24, "\(audit)")
        }
        #expect(try await two.treeHeads().map(\.size) == Array(1...24), "one signed head per size, no fork")
        await db.close(one)
        await db.close(two)
    }
}
