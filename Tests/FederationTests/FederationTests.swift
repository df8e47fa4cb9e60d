import Crypto
import Envelopes
import Foundation
import Testing
import WorldModel

@testable import Federation

/// Server identity, peers files, pairwise pseudonyms and travel tickets (issue 17), in process.
@Suite struct FederationTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_064_000)

    /// Gwangju and Daegu with fixed keys (seeds 0x01… and 0x41…), each pinning the other.
    static func cities(now: @escaping @Sendable () -> Date = { t0 }) throws -> (
        gwangju: TravelTickets, daegu: TravelTickets
    ) {
        let g = ServerIdentity(id: "gwangju.example", name: "빛고을 광주", keys: [key(seed: 0x01)])
        let d = ServerIdentity(id: "daegu.example", name: "대구", keys: [key(seed: 0x41)])
        func peer(_ identity: ServerIdentity, url: String) -> Peer {
            Peer(
                id: identity.id, url: url, keys: [identity.current.publicKey], acceptsVisitors: true,
                sendsTravellers: true)
        }
        return (
            TravelTickets(identity: g, peers: PeerList([peer(d, url: "http://127.0.0.1:8090")]), now: now),
            TravelTickets(identity: d, peers: PeerList([peer(g, url: "http://127.0.0.1:8080")]), now: now)
        )
    }

    static func key(seed: UInt8) -> ServerIdentity.Key {
        ServerIdentity.Key(privateKey: Data((0..<32).map { seed &+ UInt8($0) }), validFrom: 0, validUntil: nil)
    }

    static func claims(nonce: String = String(repeating: "ab", count: 16), iat: Int64 = 1_790_064_000) -> TravelClaims {
        TravelClaims(
            iss: "gwangju.example", aud: "daegu.example",
            sub: Pseudonyms(secret: Data(repeating: 7, count: 32)).pseudonym(of: 42, at: "daegu.example"),
            name: "나비", appearance: Appearance(primaryColor: 0x1D4E89, accessory: .glasses), lang: "ko",
            space: "daegu/kim-kwangseok-street", iat: iat, exp: iat + 60, nonce: nonce)
    }

    func refusal(_ result: Result<TravelClaims, TravelRefusal>) -> TravelRefusal.Kind? {
        if case .failure(let r) = result { return r.kind }
        return nil
    }

    @Test func aTicketFromAPeerIsAcceptedOnceByItsAudienceOnly() throws {
        let (gwangju, daegu) = try Self.cities()
        let ticket = try gwangju.sign(Self.claims())
        let claims = try daegu.verify(ticket).get()
        #expect(claims.sub == Self.claims().sub && claims.space == "daegu/kim-kwangseok-street")
        #expect(refusal(daegu.verify(ticket)) == .replayed)
        #expect(
            refusal(gwangju.verify(try gwangju.sign(Self.claims(nonce: String(repeating: "cd", count: 16))))) != nil)
    }

    @Test func badTicketsAreRefusedWithAReason() throws {
        let (gwangju, daegu) = try Self.cities()
        var wrongAudience = Self.claims(nonce: String(repeating: "01", count: 16))
        wrongAudience.aud = "jeju.example"
        #expect(refusal(daegu.verify(try gwangju.sign(wrongAudience))) == .wrongServer)
        var tooLong = Self.claims(nonce: String(repeating: "02", count: 16))
        tooLong.exp = tooLong.iat + 600
        #expect(refusal(daegu.verify(try gwangju.sign(tooLong))) == .expired)
        let old = Self.claims(nonce: String(repeating: "03", count: 16), iat: 1_790_064_000 - 200)
        #expect(refusal(daegu.verify(try gwangju.sign(old))) == .expired)
        // Signed by a server that is not Gwangju's pinned key.
        let impostor = TravelTickets(
            identity: ServerIdentity(id: "gwangju.example", name: "가짜", keys: [Self.key(seed: 0x99)]),
            peers: PeerList([]), now: { Self.t0 })
        #expect(
            refusal(daegu.verify(try impostor.sign(Self.claims(nonce: String(repeating: "04", count: 16))))) == .forged)
        var stranger = Self.claims(nonce: String(repeating: "05", count: 16))
        stranger.iss = "seoul.example"
        #expect(refusal(daegu.verify(try gwangju.sign(stranger))) == .unknownPeer)
        #expect(refusal(daegu.verify("bt1.e30.AAAA")) == .malformed)
        #expect(refusal(daegu.verify(String(repeating: "x", count: 5000))) == .malformed)
        // A cluster's handoff ticket has the same envelope but never verifies as a travel ticket.
        let ticket = try gwangju.sign(Self.claims(nonce: String(repeating: "06", count: 16)))
        #expect(refusal(daegu.verify(ticket.replacingOccurrences(of: "bt1.", with: "bt2."))) == .malformed)
        // Defederation: the same good ticket is refused once Gwangju is off Daegu's list.
        daegu.replacePeers(PeerList([]))
        #expect(refusal(daegu.verify(ticket)) == .unknownPeer)
    }

    @Test func aFloodFromOnePeerIsCutAtItsRate() throws {
        let (gwangju, daegu) = try Self.cities()
        var refused = 0
        for n in 0..<(TravelTickets.perPeerPerS + 10) {
            let nonce = String(format: "%032x", n)
            if case .failure(let r) = daegu.verify(try gwangju.sign(Self.claims(nonce: nonce))) {
                #expect(r.kind == .tooMany)
                refused += 1
            }
        }
        #expect(refused == 10)
    }

    @Test func base64URLMatchesFoundationWithoutPaddingAndRefusesAnythingElse() {
        var random = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == foundation)
            #expect(Base64URL.decode(foundation) == Data(bytes))
        }
        // A length no encoding has, characters of plain base64, padding, and stray low bits.
        for bad in ["A", "AB+/", "AA==", "AB", "ABC", "한글"] { #expect(Base64URL.decode(bad) == nil, "\(bad)") }
        #expect(Envelope.split("bt1.AA.AA", prefix: "bt1.")?.body == Data([0]))
        for bad in ["bt1.AA", "bt1.AA.AA.AA", "bp1.AA.AA", "bt1.A.AA"] {
            #expect(Envelope.split(bad, prefix: "bt1.") == nil, "\(bad)")
        }
    }

    @Test func pseudonymsArePairwiseAndStable() {
        let home = Pseudonyms(secret: Data(repeating: 7, count: 32))
        let other = Pseudonyms(secret: Data(repeating: 8, count: 32))
        let daegu = home.pseudonym(of: 42, at: "daegu.example")
        #expect(daegu == home.pseudonym(of: 42, at: "daegu.example"))
        #expect(daegu != home.pseudonym(of: 42, at: "jeju.example"), "Daegu and Jeju cannot link their visitors")
        #expect(daegu != home.pseudonym(of: 43, at: "daegu.example"))
        #expect(daegu != other.pseudonym(of: 42, at: "daegu.example"), "another secret, other pseudonyms")
        #expect(daegu.utf8.count == 26 && daegu.allSatisfy { $0.isLowercase || $0.isNumber })
    }

    @Test func thePeersFileIsReadOrRefusedWithItsKeyAndReason() throws {
        let key = Base64URL.encode(Self.key(seed: 0x41).publicKey)
        let good = """
            [[peer]]
            id = "daegu.example"
            url = "http://127.0.0.1:8090"
            keys = ["\(key)"]
            send_travellers = false
            """
        let list = try PeerList.parse(good, file: "peers.toml", me: "gwangju.example")
        #expect(list["daegu.example"]?.acceptsVisitors == true && list["daegu.example"]?.sendsTravellers == false)
        #expect(list["daegu.example"]?.name == "daegu.example", "the id when no name is given")
        let named = try PeerList.parse(good + "\nname = \"대구 Daegu\"", file: "peers.toml", me: "gwangju.example")
        #expect(named["daegu.example"]?.name == "대구 Daegu")
        func problem(_ text: String) -> String? {
            do {
                _ = try PeerList.parse(text, file: "peers.toml", me: "gwangju.example")
                return nil
            } catch { return "\(error)" }
        }
        #expect(problem(good.replacingOccurrences(of: key, with: "not-a-key"))?.contains("peer[0].keys[0]") == true)
        #expect(
            problem(good.replacingOccurrences(of: "daegu.example", with: "gwangju.example"))?.contains("this server")
                == true)
        #expect(problem(good.replacingOccurrences(of: "http://", with: "ftp://"))?.contains("peer[0].url") == true)
        #expect(problem(good + "\ncolour = 1")?.contains("unknown key") == true)
        #expect(problem(good + "\n" + good)?.contains("listed twice") == true)
        #expect(problem("[[peer]\n")?.contains("peers.toml") == true)
        #expect(problem(good + "\nname = \"\"")?.contains("peer[0].name") == true)
    }

    @Test func aPeersWellKnownShowsItUpOnlyWithItsIdAndAPinnedCurrentKey() throws {
        let key = Curve25519.Signing.PrivateKey()
        let identity = ServerIdentity(
            id: "daegu.example", name: "대구",
            keys: [ServerIdentity.Key(privateKey: key.rawRepresentation, validFrom: 0, validUntil: nil)])
        let document = try JSONEncoder().encode(
            WellKnown(
                identity: identity, protocolVersion: 1,
                entryPoints: [.init(id: "daegu/street", name: .init(ko: "거리", en: "Street"))],
                place: .init(latitude: 35.86, longitude: 128.61), now: Self.t0 + 5))
        func peer(id: String = "daegu.example", key pinned: Data) -> Peer {
            Peer(
                id: id, name: "대구 Daegu", url: "http://x", keys: [pinned], acceptsVisitors: true, sendsTravellers: true)
        }
        let pinned = key.publicKey.rawRepresentation
        let up = PeerStatus.check(document, of: peer(key: pinned), now: Self.t0)
        #expect(up.state == .up && up.skewS == 5 && up.entryPoints.map(\.id) == ["daegu/street"] && up.takesTravellers)
        let impostor = PeerStatus.check(
            document, of: peer(key: Curve25519.Signing.PrivateKey().publicKey.rawRepresentation), now: Self.t0)
        #expect(impostor.state == .keyMismatch && !impostor.takesTravellers && impostor.entryPoints.isEmpty)
        #expect(PeerStatus.check(document, of: peer(id: "jeju.example", key: pinned), now: Self.t0).state == .wrongId)
        #expect(PeerStatus.check(nil, of: peer(key: pinned), now: Self.t0).state == .down)
        #expect(PeerStatus.check(Data("<html>".utf8), of: peer(key: pinned), now: Self.t0).state == .down)
    }

    @Test func keysAreMadeOnceAndRotatedKeysStillVerifyUntilTheirEnd() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fed-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try ServerIdentity.load(id: "gwangju.example", name: "광주", folder: folder, now: Self.t0)
        #expect(
            try ServerIdentity.load(id: "gwangju.example", name: "광주", folder: folder, now: Self.t0).current
                == first.current)
        let mode =
            try FileManager.default.attributesOfItem(
                atPath: folder.appendingPathComponent("federation-keys.json").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try ServerIdentity.rotate(folder: folder, now: Self.t0, keepS: 86_400)
        let rotated = try ServerIdentity.load(id: "gwangju.example", name: "광주", folder: folder, now: Self.t0)
        #expect(rotated.keys.count == 2 && rotated.current != first.current)
        #expect(
            rotated.keys[1].publicKey == first.current.publicKey && rotated.keys[1].validUntil == 1_790_064_000 + 86_400
        )
        let later = try ServerIdentity.load(
            id: "gwangju.example", name: "광주", folder: folder, now: Self.t0.addingTimeInterval(86_401))
        #expect(later.keys.count == 1, "the old key's end has passed")
        #expect(throws: FederationError.self) {
            try ServerIdentity.load(id: "Gwangju!", name: "광주", folder: folder, now: Self.t0)
        }
        let wellKnown = WellKnown(
            identity: rotated, protocolVersion: 1,
            entryPoints: [.init(id: "gwangju/acc", name: .init(ko: "전당", en: "ACC"))], place: nil, now: Self.t0)
        #expect(wellKnown.keys.map(\.validUntil) == [nil, 1_790_064_000 + 86_400] && wellKnown.time == 1_790_064_000)
    }
}

/// The ticket and pseudonym vectors in Tests/Fixtures/federation, also checked by an independent
/// Python implementation (tests_py/test_federation.py, with `cryptography`).
@Suite struct FederationVectorTests {
    struct Vectors: Codable {
        struct Pseudonym: Codable {
            var secretHex: String
            var account: Int64
            var destination: String
            var pseudonym: String
        }
        struct Ticket: Codable {
            var name: String
            var issuerSeedHex: String
            var issuerPublicKey: String
            var ticket: String
            var now: Int64
            /// "ok" or the refusal kind at Daegu.
            var verdict: String
        }
        var pseudonyms: [Pseudonym]
        var tickets: [Ticket]
    }

    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/federation/vectors.json")

    static func hex(_ data: some Sequence<UInt8>) -> String { data.map { String(format: "%02x", $0) }.joined() }

    /// The vectors this code makes (written to the fixture with BITGOEUL_WRITE_VECTORS=1).
    static func made() throws -> Vectors {
        let secret = Data(repeating: 7, count: 32)
        let pseudonyms = [(42, "daegu.example"), (42, "jeju.example"), (43, "daegu.example")].map {
            Vectors.Pseudonym(
                secretHex: hex(secret), account: Int64($0.0), destination: $0.1,
                pseudonym: Pseudonyms(secret: secret).pseudonym(of: Int64($0.0), at: $0.1))
        }
        let (gwangju, _) = try FederationTests.cities()
        let seed = FederationTests.key(seed: 0x01)
        func ticket(_ name: String, _ claims: TravelClaims, now: Int64, _ verdict: String) throws -> Vectors.Ticket {
            Vectors.Ticket(
                name: name, issuerSeedHex: hex(seed.privateKey), issuerPublicKey: Base64URL.encode(seed.publicKey),
                ticket: try gwangju.sign(claims), now: now, verdict: verdict)
        }
        var wrong = FederationTests.claims(nonce: String(repeating: "11", count: 16))
        wrong.aud = "jeju.example"
        let good = try ticket("good", FederationTests.claims(), now: 1_790_064_010, "ok")
        var forged = good
        forged.name = "forged"
        // The signature's first character changed: six bits of the signature, none of them padding.
        let dot = good.ticket.lastIndex(of: ".")!
        let first = good.ticket[good.ticket.index(after: dot)]
        forged.ticket =
            String(good.ticket[...dot]) + (first == "A" ? "B" : "A")
            + good.ticket[good.ticket.index(dot, offsetBy: 2)...]
        forged.verdict = "forged"
        return Vectors(
            pseudonyms: pseudonyms,
            tickets: [
                good, forged, try ticket("wrong-audience", wrong, now: 1_790_064_010, "wrongServer"),
                try ticket(
                    "expired", FederationTests.claims(nonce: String(repeating: "22", count: 16)), now: 1_790_064_200,
                    "expired"),
            ])
    }

    @Test func theVectorsAreWhatThisCodeMakesAndVerifies() throws {
        let made = try Self.made()
        if ProcessInfo.processInfo.environment["BITGOEUL_WRITE_VECTORS"] == "1" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(made).write(to: Self.file)
        }
        let stored = try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: Self.file))
        #expect(stored.pseudonyms.map(\.pseudonym) == made.pseudonyms.map(\.pseudonym))
        #expect(stored.tickets.map(\.ticket) == made.tickets.map(\.ticket), "Ed25519 signatures are deterministic")
        for vector in stored.tickets {
            let (_, daegu) = try FederationTests.cities(now: { Date(timeIntervalSince1970: Double(vector.now)) })
            switch daegu.verify(vector.ticket) {
            case .success: #expect(vector.verdict == "ok", "\(vector.name)")
            case .failure(let refusal): #expect(refusal.kind.rawValue == vector.verdict, "\(vector.name)")
            }
        }
    }
}
