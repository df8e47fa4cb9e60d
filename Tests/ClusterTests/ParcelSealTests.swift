import Clocks
import Crypto
import Foundation
import Realtime
import Storage
import Testing

@testable import Cluster

/// Seals on the parcels that carry a space's memory between nodes: only a node of the cluster
/// hands one over, only to the node named, only the bytes it sealed, within a minute, once.
@Suite struct ParcelSealTests {
    /// Nodes "a" and "b" that know each other, with one clock; "x" signs with a key nobody knows.
    func nodes(_ clock: ManualClock) -> (a: HandoffTickets, b: HandoffTickets, x: HandoffTickets) {
        let keys = (a: Curve25519.Signing.PrivateKey(), b: Curve25519.Signing.PrivateKey())
        let records = [
            NodeRecord(
                id: "a", url: "http://a", capacity: 10, ticketKey: [UInt8](keys.a.publicKey.rawRepresentation),
                heartbeatAgeS: 0, draining: false),
            NodeRecord(
                id: "b", url: "http://b", capacity: 10, ticketKey: [UInt8](keys.b.publicKey.rawRepresentation),
                heartbeatAgeS: 0, draining: false),
        ]
        func node(_ id: String, _ key: Curve25519.Signing.PrivateKey) -> HandoffTickets {
            let directory = ClusterDirectory(me: id)
            directory.update(nodes: records, leases: [], acquired: [:], released: [])
            return HandoffTickets(me: id, key: key, directory: directory, now: { clock.now })
        }
        return (node("a", keys.a), node("b", keys.b), node("a", Curve25519.Signing.PrivateKey()))
    }

    let body = Data(#"{"space":"t/hall","chat":"said before the move"}"#.utf8)

    func refusal(_ result: Result<ParcelClaims, TicketRefusal>) -> TicketRefusal.Kind? {
        if case .failure(let refusal) = result { return refusal.kind }
        return nil
    }

    @Test func theNamedNodeOpensASealOnceAndOnlyForItsBytes() throws {
        let clock = ManualClock(at: Date(timeIntervalSince1970: 1_790_064_000))
        let (a, b, _) = nodes(clock)
        let seal = try a.sealParcel(body, space: "t/hall", to: "b")
        var altered = body
        altered[altered.startIndex] = UInt8(ascii: "[")
        #expect(refusal(b.openParcel(seal, body: altered)) == .forged, "another body under the same seal")
        let claims = try b.openParcel(seal, body: body).get()
        #expect(claims.iss == "a" && claims.aud == "b" && claims.space == "t/hall")
        #expect(refusal(b.openParcel(seal, body: body)) == .replayed)
        #expect(refusal(a.openParcel(try a.sealParcel(body, space: "t/hall", to: "b"), body: body)) == .wrongServer)
    }

    @Test func forgedExpiredAndMalformedSealsAreRefused() throws {
        let clock = ManualClock(at: Date(timeIntervalSince1970: 1_790_064_000))
        let (a, b, impostor) = nodes(clock)
        #expect(refusal(b.openParcel(try impostor.sealParcel(body, space: "t/hall", to: "b"), body: body)) == .forged)
        let late = try a.sealParcel(body, space: "t/hall", to: "b")
        clock.advance(by: Double(HandoffTickets.parcelLifetimeS + HandoffTickets.skewS + 1))
        #expect(refusal(b.openParcel(late, body: body)) == .expired)
        #expect(refusal(b.openParcel("bt1.abc.def", body: body)) == .malformed, "a handoff ticket is not a seal")
        #expect(refusal(b.openParcel("bp1.!!!.???", body: body)) == .malformed)
        #expect(refusal(b.openParcel(String(repeating: "x", count: 5000), body: body)) == .malformed)
        // A few seconds of clock skew between the nodes is fine.
        let skewed = try a.sealParcel(body, space: "t/hall", to: "b")
        clock.advance(by: Double(HandoffTickets.parcelLifetimeS + 5))
        #expect((try? b.openParcel(skewed, body: body).get()) != nil)
    }
}
