import ArgumentParser
import Crypto
import Federation
import Foundation
import WorldModel

extension Bench {
    /// `bitgoeul bench tickets`: how many travel tickets one core signs and checks a second (the
    /// whole check: parse, pinned-key signature, audience, time, nonce), without the per-peer limit.
    struct Tickets: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Travel tickets signed and verified per second on this thread (docs/federation.md).")

        @Option(help: "Tickets to sign and verify.") var count = 20_000

        func run() throws {
            guard (100...1_000_000).contains(count) else { throw ValidationError("--count is 100...1000000") }
            func identity(_ id: String, _ key: Curve25519.Signing.PrivateKey) -> ServerIdentity {
                ServerIdentity(
                    id: id, name: id, keys: [.init(privateKey: key.rawRepresentation, validFrom: 0, validUntil: nil)])
            }
            let gwangjuKey = Curve25519.Signing.PrivateKey()
            // One fixed instant for signing and checking: the tickets' times are all that depends on it.
            let now = Date(timeIntervalSince1970: 1_790_064_000)
            let gwangju = TravelTickets(
                identity: identity("gwangju.example", gwangjuKey), peers: PeerList([]), now: { now })
            let pin = Peer(
                id: "gwangju.example", url: "http://127.0.0.1:8080", keys: [gwangjuKey.publicKey.rawRepresentation],
                acceptsVisitors: true, sendsTravellers: true)
            let daegu = TravelTickets(
                identity: identity("daegu.example", Curve25519.Signing.PrivateKey()), peers: PeerList([pin]),
                now: { now }, perPeerPerS: .max)
            let nowS = Int64(now.timeIntervalSince1970)
            let signStart = ContinuousClock.now
            let tickets = try (0..<count).map { n in
                try gwangju.sign(
                    TravelClaims(
                        iss: "gwangju.example", aud: "daegu.example", sub: "madv736ym5f3l45fshxw7zuugy", name: "나비",
                        appearance: .standard, lang: "ko", space: "daegu/kim-kwangseok-street", iat: nowS,
                        exp: nowS + 60, nonce: String(format: "%032x", n)))
            }
            let signS = (ContinuousClock.now - signStart).milliseconds / 1000
            let verifyStart = ContinuousClock.now
            var accepted = 0
            for ticket in tickets {
                if case .success = daegu.verify(ticket) { accepted += 1 }
            }
            let verifyS = (ContinuousClock.now - verifyStart).milliseconds / 1000
            guard accepted == count else { throw ValidationError("only \(accepted) of \(count) tickets verified") }
            print("tickets \(count), \(tickets[0].utf8.count) bytes each")
            print(
                String(
                    format: "signed:   %8.0f per s  (%.1f µs each)", Double(count) / signS, signS / Double(count) * 1e6)
            )
            print(
                String(
                    format: "verified: %8.0f per s  (%.1f µs each)", Double(count) / verifyS,
                    verifyS / Double(count) * 1e6))
        }
    }
}
