import BitgoeulClient
import Crypto
import Envelopes
import Federation
import Foundation
import Storage
import Testing
import WorldModel

@testable import BitgoeulServer

/// What a city publishes for its peers (`GET /.well-known/bitgoeul`), at the router.
@Suite struct FederationRouteTests {
    @Test func aCityPublishesItsIdKeysClockAndEntryPoints() async throws {
        let server = try RouterServer {
            $0.federation = FederationConfig(serverId: "gwangju.example", serverName: "빛고을 광주", peersFile: nil)
        }
        let keyFile = server.dataDirectory.appendingPathComponent("federation-keys.json")
        #expect(FileManager.default.fileExists(atPath: keyFile.path), "made at first start")
        try await server.test { client in
            let (status, body) = try await client.get("/.well-known/bitgoeul")
            #expect(status == 200)
            #expect(body["id"] as? String == "gwangju.example" && body["name"] as? String == "빛고을 광주")
            #expect(body["protocolVersion"] as? Int == 1)
            let keys = try #require(body["keys"] as? [[String: Any]])
            #expect(keys.count == 1 && (keys[0]["key"] as? String)?.count == 43, "32 bytes in base64url")
            let entries = try #require(body["entryPoints"] as? [[String: Any]])
            #expect(entries.contains { $0["id"] as? String == "testland/plaza" && $0["name"] is [String: String] })
            let place = try #require(body["place"] as? [String: Double])
            #expect(place["latitude"] != nil && place["longitude"] != nil)
            let time = try #require(body["time"] as? Int)
            #expect(abs(Double(time) - Date().timeIntervalSince1970) < 60)
        }
    }

    @Test func aServerOutsideAnyFederationHasNoWellKnownDocument() async throws {
        try await RouterServer().test { client in
            let (status, _) = try await client.get("/.well-known/bitgoeul")
            #expect(status == 404)
            // The cities list answers anyway, empty, so the landing page can ask without an error.
            let (listed, cities) = try await client.get("/api/v1/travel/cities")
            #expect(listed == 200 && cities["me"] is NSNull && (cities["cities"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aBadPeersFileStopsTheStartWithItsKeyAndReason() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("peers-\(UUID().uuidString).toml")
        try Data("[[peer]]\nid = \"daegu.example\"\nurl = \"ftp://x\"\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect {
            _ = try RouterServer {
                $0.federation = FederationConfig(serverId: "gwangju.example", serverName: "광주", peersFile: file)
            }
        } throws: { "\($0)".contains("peer[0].url") }
    }

    /// Gwangju (the router's server) federated with Daegu, whose key is `daeguKey`.
    static func gwangju(daeguKey: Curve25519.Signing.PrivateKey, sendTravellers: Bool = true) throws -> RouterServer {
        let peers = FileManager.default.temporaryDirectory.appendingPathComponent("peers-\(UUID().uuidString).toml")
        try Data(
            """
            [[peer]]
            id = "daegu.example"
            url = "http://127.0.0.1:8090"
            keys = ["\(Base64URL.encode(daeguKey.publicKey.rawRepresentation))"]
            send_travellers = \(sendTravellers)
            """.utf8
        ).write(to: peers)
        return try RouterServer {
            $0.federation = FederationConfig(serverId: "gwangju.example", serverName: "빛고을 광주", peersFile: peers)
        }
    }

    /// As if Gwangju had just looked at Daegu and seen it `state` with `entryPoints`. Waits for the
    /// server's own first look (nothing listens at the peer's URL in a router test) so it does not
    /// overwrite this one.
    static func seeDaegu(
        _ state: PeerStatus.State, from server: RouterServer, entryPoints: [String] = ["daegu/kim-kwangseok-street"]
    ) async throws {
        let federation = try #require(server.services.federation)
        for _ in 0..<200 where federation.watch.status(of: "daegu.example").state == .unknown {
            try await Task.sleep(for: .milliseconds(10))
        }
        federation.watch.record(
            PeerStatus(
                state: state, name: "대구", place: nil,
                entryPoints: entryPoints.map { .init(id: $0, name: .init(ko: $0, en: $0)) },
                checkedAt: Int64(Date().timeIntervalSince1970), skewS: 0),
            of: "daegu.example")
    }

    /// Daegu, pinning the key Gwangju publishes.
    static func daegu(key: Curve25519.Signing.PrivateKey, pinning gwangjuKey: String) throws -> TravelTickets {
        TravelTickets(
            identity: ServerIdentity(
                id: "daegu.example", name: "대구",
                keys: [ServerIdentity.Key(privateKey: key.rawRepresentation, validFrom: 0, validUntil: nil)]),
            peers: PeerList([
                Peer(
                    id: "gwangju.example", url: "http://127.0.0.1:8080",
                    keys: [try #require(Base64URL.decode(gwangjuKey))],
                    acceptsVisitors: true, sendsTravellers: true)
            ]), now: { Date() })
    }

    struct Ask: Encodable {
        let personaId: Int64
        let city: String
        let space: String
        var bringBlocks: Bool? = nil
    }

    struct Issued: Decodable {
        let city: String
        let url: String
        let ticket: String
        let space: String
    }

    /// The status a refused call answers with (0 when it was not refused).
    func refusedStatus(_ call: () async throws -> Data) async -> Int {
        do {
            _ = try await call()
            return 0
        } catch let failure as BitgoeulAPI.Failure {
            return failure.status
        } catch {
            return -1
        }
    }

    @Test func aPersonaGetsATicketToDaeguThatNamesThemOnlyByAPseudonym() async throws {
        let daeguSeed = Curve25519.Signing.PrivateKey().rawRepresentation
        let daeguKey = try Curve25519.Signing.PrivateKey(rawRepresentation: daeguSeed)
        let server = try Self.gwangju(daeguKey: daeguKey)
        try await server.test { client in
            try await Self.seeDaegu(.up, from: server)
            let mina = try await client.citizen("mina", personas: ["나비"])
            let (_, published) = try await client.get("/.well-known/bitgoeul")
            let gwangjuKey = try #require((published["keys"] as? [[String: Any]])?.first?["key"] as? String)
            let ask = Ask(personaId: mina.personas[0].id, city: "daegu.example", space: "daegu/kim-kwangseok-street")
            let issued = try JSONDecoder().decode(
                Issued.self, from: try await mina.api.call("POST", "/api/v1/travel/tickets", body: ask))
            #expect(issued.city == "daegu.example" && issued.url == "ws://127.0.0.1:8090/api/v1/connect")
            let daegu = try Self.daegu(
                key: try Curve25519.Signing.PrivateKey(rawRepresentation: daeguSeed), pinning: gwangjuKey)
            let claims = try daegu.verify(issued.ticket).get()
            #expect(claims.name == "나비" && claims.space == "daegu/kim-kwangseok-street" && claims.lang == "ko")
            #expect(claims.sub.count == 26 && claims.exp - claims.iat == 60)
            let body = try #require(Base64URL.decode(issued.ticket.split(separator: ".")[1]))
            let text = String(decoding: body, as: UTF8.self)
            #expect(!text.contains("mina") && !text.contains(":\(mina.accountId),"), "no username or account id")
            // The same person again: the same pseudonym there (so Daegu's blocks and bans hold).
            let again = try JSONDecoder().decode(
                Issued.self, from: try await mina.api.call("POST", "/api/v1/travel/tickets", body: ask))
            #expect(try daegu.verify(again.ticket).get().sub == claims.sub)

            // Refused: another's persona, an unknown city, a bad space, no session.
            let hana = try await client.citizen("hana", personas: ["하나"])
            let asks = [
                (Ask(personaId: mina.personas[0].id, city: "daegu.example", space: "daegu/x"), 404),
                (Ask(personaId: hana.personas[0].id, city: "daegu.example", space: "daegu/not-listed"), 404),
                (Ask(personaId: hana.personas[0].id, city: "jeju.example", space: "jeju/x"), 404),
                (Ask(personaId: hana.personas[0].id, city: "daegu.example", space: "nowhere"), 422),
            ]
            for (ask, status) in asks {
                #expect(
                    await refusedStatus { try await hana.api.call("POST", "/api/v1/travel/tickets", body: ask) }
                        == status)
            }
            #expect(
                await refusedStatus { try await client.api.call("POST", "/api/v1/travel/tickets", body: ask) } == 401)
            // Nobody is sent to a peer seen down, or showing a key that is not pinned for it.
            for state in [PeerStatus.State.down, .keyMismatch, .wrongId] {
                try await Self.seeDaegu(state, from: server)
                #expect(
                    await refusedStatus { try await mina.api.call("POST", "/api/v1/travel/tickets", body: ask) } == 503)
            }
        }
    }

    @Test func theCitiesListShowsPeersAsLastSeenAndATicketMayBringBlocksAsPseudonyms() async throws {
        let daeguSeed = Curve25519.Signing.PrivateKey().rawRepresentation
        let server = try Self.gwangju(daeguKey: try Curve25519.Signing.PrivateKey(rawRepresentation: daeguSeed))
        try await server.test { client in
            try await Self.seeDaegu(.up, from: server)
            let (status, cities) = try await client.get("/api/v1/travel/cities")
            #expect(status == 200)
            let me = try #require(cities["me"] as? [String: Any])
            #expect(me["id"] as? String == "gwangju.example" && me["place"] is [String: Double])
            let listed = try #require(cities["cities"] as? [[String: Any]])
            #expect(listed.count == 1 && listed[0]["id"] as? String == "daegu.example")
            #expect(listed[0]["status"] as? String == "up" && listed[0]["sendsTravellers"] as? Bool == true)
            #expect(
                (listed[0]["entryPoints"] as? [[String: Any]])?.first?["id"] as? String == "daegu/kim-kwangseok-street")

            let mina = try await client.citizen("mina", personas: ["나비"])
            let hana = try await client.citizen("hana", personas: ["하나"])
            _ = try await server.services.store.addRelation(
                kind: .block, owner: mina.accountId, target: hana.accountId, targetName: "하나", now: Date())
            let (_, published) = try await client.get("/.well-known/bitgoeul")
            let gwangjuKey = try #require((published["keys"] as? [[String: Any]])?.first?["key"] as? String)
            let daegu = try Self.daegu(
                key: try Curve25519.Signing.PrivateKey(rawRepresentation: daeguSeed), pinning: gwangjuKey)
            func claims(_ who: Citizen, bring: Bool?) async throws -> TravelClaims {
                let ask = Ask(
                    personaId: who.personas[0].id, city: "daegu.example", space: "daegu/kim-kwangseok-street",
                    bringBlocks: bring)
                let issued = try JSONDecoder().decode(
                    Issued.self, from: try await who.api.call("POST", "/api/v1/travel/tickets", body: ask))
                return try daegu.verify(issued.ticket).get()
            }
            // Brought only when asked, and then as Hana's pseudonym in Daegu: nothing else about her.
            #expect(try await claims(mina, bring: nil).blocks == nil)
            let hanaThere = try await claims(hana, bring: false).sub
            #expect(try await claims(mina, bring: true).blocks == [hanaThere])
        }
    }

    @Test func aCityThatSendsNobodyToAPeerIssuesNoTicket() async throws {
        try await Self.gwangju(daeguKey: Curve25519.Signing.PrivateKey(), sendTravellers: false).test { client in
            let mina = try await client.citizen("mina", personas: ["나비"])
            let ask = Ask(personaId: mina.personas[0].id, city: "daegu.example", space: "daegu/x")
            #expect(await refusedStatus { try await mina.api.call("POST", "/api/v1/travel/tickets", body: ask) } == 403)
        }
    }

    /// `bitgoeul federation key` prints the entry a peer puts in its peers file; after
    /// `rotate-key` it lists the new key first and the old one still.
    @Test func theConsolePrintsThePeerEntryAndRotates() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("fed-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = TestServer.repoRoot.appendingPathComponent(".build/debug/bitgoeul")
            process.arguments = ["federation"] + arguments + ["--data", data.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        let city = ["--server-id", "gwangju.example", "--url", "http://127.0.0.1:8080"]
        let (status, printed) = try run(["key"] + city)
        #expect(status == 0, "\(printed)")
        let before = try PeerList.parse(printed, file: "(printed)", me: "daegu.example")["gwangju.example"]
        #expect(before?.keys.count == 1 && before?.url == "http://127.0.0.1:8080")
        let (rotated, again) = try run(["rotate-key"] + city + ["--keep-days", "7"])
        #expect(rotated == 0, "\(again)")
        let entry = String(again[again.range(of: "[[peer]]")!.lowerBound...])
        let after = try PeerList.parse(entry, file: "(printed)", me: "daegu.example")["gwangju.example"]
        #expect(after?.keys.count == 2 && after?.keys.last == before?.keys.first, "the old key verifies a week more")
        #expect(try run(["key", "--server-id", "Not A Host!", "--url", "http://x"]).0 != 0)
        #expect(try run(["key", "--server-id", "gwangju.example", "--url", "ftp://x"]).0 != 0)
    }
}
