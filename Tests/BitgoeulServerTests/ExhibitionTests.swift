import BitgoeulClient
import BitgoeulServer
import Foundation
import Storage
import StorageSQLite
import Testing

/// Exhibitions and the docent over HTTP, at the router, with the demo world and catalogue.
@Suite struct ExhibitionTests {
    static let gwangju = TestServer.repoRoot.appendingPathComponent("worlds/gwangju")

    static func start() throws -> RouterServer {
        try RouterServer(world: gwangju) { config in
            config.catalogueFile = TestServer.repoRoot.appendingPathComponent(
                "worlds/catalogue/tate-media-and-korean-artworks-cc0.json")
        }
    }

    struct Answer: Decodable {
        let answer: String
        let artworks: [String]
    }

    @Test func theDocentAnswersFromWhereTheVisitorStands() async throws {
        let server = try Self.start()
        try await server.test { client in
            let list = String(decoding: try await client.api.call("GET", "/api/v1/exhibitions"), as: UTF8.self)
            #expect(list.contains("gmap-media-art") && list.contains("bitgoeul-korean-artists"))
            struct Ask: Encodable {
                let question: String
                let space: String
                let x: Double
                let y: Double
            }
            // Beside Seung-Taek Lee's Godret Stone (south wall, x 34), "who made this?" names him.
            let near = try JSONDecoder().decode(
                Answer.self,
                from: try await client.api.call(
                    "POST", "/api/v1/docent/ask",
                    body: Ask(question: "이 작품은 누가 만들었나요?", space: "gwangju/bitgoeul-art-space", x: 34, y: 2)))
            #expect(near.artworks.first == "T13724" && near.answer.contains("Seung-Taek Lee"))
            // At G.MAP, just inside the entrance beside Nantes Triptych on the west wall.
            let gmap = try JSONDecoder().decode(
                Answer.self,
                from: try await client.api.call(
                    "POST", "/api/v1/docent/ask",
                    body: Ask(question: "이 작품은 누가 만들었나요?", space: "gwangju/gmap", x: 2, y: 22)))
            #expect(gmap.artworks.first == "T06854" && gmap.answer.contains("Bill Viola"))
            await #expect(throws: BitgoeulAPI.Failure.self, "an unknown exhibition") {
                _ = try await client.api.call("GET", "/api/v1/exhibitions/no-such-show")
            }
            await #expect(throws: BitgoeulAPI.Failure.self) {
                _ = try await client.api.call(
                    "POST", "/api/v1/docent/ask", body: ["question": String(repeating: "?", count: 10_000)])
            }
        }
    }

    @Test func aTourWalksAroundWallsAndKeepsToItsBudget() async throws {
        let server = try Self.start()
        try await server.test { client in
            struct Tour: Encodable {
                let space: String
                let interests: String
                let budgetS: Double
                let x: Double
                let y: Double
            }
            struct Plan: Decodable {
                struct Stop: Decodable {
                    let artwork: String
                    let arriveS: Double
                    let leaveS: Double
                }
                let stops: [Stop]
                let totalS: Double
            }
            // Beside the partition at x 20 (west face); Tacita Dean's film hangs on its east face, 1.1 m
            // away through the wall but about 17 m on foot round the partition's end at y 15.
            let plan = try JSONDecoder().decode(
                Plan.self,
                from: try await client.api.call(
                    "POST", "/api/v1/docent/tour",
                    body: Tour(space: "gwangju/gmap", interests: "Tacita Dean film sea", budgetS: 900, x: 19.5, y: 7)))
            let first = try #require(plan.stops.first)
            #expect(first.artwork == "T07455")
            #expect(first.arriveS > 15, "walked round the wall: \(first.arriveS) s")
            #expect(plan.totalS <= 900 && plan.stops.count >= 5)
            await #expect(throws: BitgoeulAPI.Failure.self, "a zero budget is refused") {
                _ = try await client.api.call(
                    "POST", "/api/v1/docent/tour",
                    body: Tour(space: "gwangju/gmap", interests: "video", budgetS: 0, x: 5, y: 20))
            }
        }
    }

    @Test func onlyCuratorsPublishAndBadExhibitionsAreRefused() async throws {
        let server = try Self.start()
        try await server.test { client in
            let session = try await client.signUp("curator", password: "curate kindly 2026")
            var api = client.api
            api.token = session.token
            let body: [String: Any] = [
                "id": "biennale-video", "space": "gwangju/biennale", "title": ["ko": "비디오 방", "en": "Video room"],
                "from": "2026-12-01", "to": "2027-01-31", "curator": "Test curator",
                "works": [["artwork": "T11805", "x": 10, "y": 30, "z": 1.6, "heading": 0, "width": 3, "height": 1.5]],
            ]
            struct Raw: Encodable {
                let json: [String: Any]
                func encode(to encoder: any Encoder) throws {
                    var c = encoder.singleValueContainer()
                    try c.encode(JSONValue(json))
                }
            }
            func post(_ b: [String: Any]) async throws -> Data {
                try await api.call("POST", "/api/v1/exhibitions", body: Raw(json: b))
            }
            await #expect(throws: BitgoeulAPI.Failure.self, "a visitor may not publish") { _ = try await post(body) }
            let store = server.services.store
            try await store.setRole(account: session.accountId, space: "gwangju/biennale", role: .curator)
            _ = try await post(body)
            let shown = String(
                decoding: try await client.api.call("GET", "/api/v1/exhibitions/biennale-video"), as: UTF8.self)
            #expect(shown.contains("Five Angels for the Millennium"), "works are joined with the catalogue")
            var unknown = body
            unknown["works"] = [["artwork": "NOPE1", "x": 1, "y": 1, "z": 1, "heading": 0, "width": 1, "height": 1]]
            do {
                _ = try await post(unknown)
                Issue.record("an unknown artwork was accepted")
            } catch let failure as BitgoeulAPI.Failure {
                #expect(failure.status == 422 && failure.message.contains("NOPE1"))
            }
        }
    }
}

/// Any JSON value, to post hand-built bodies.
struct JSONValue: Encodable {
    let value: Any
    init(_ value: Any) { self.value = value }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch value {
        case let v as String: try c.encode(v)
        case let v as Int: try c.encode(v)
        case let v as Double: try c.encode(v)
        case let v as [String: Any]: try c.encode(v.mapValues(JSONValue.init))
        case let v as [Any]: try c.encode(v.map(JSONValue.init))
        default: try c.encodeNil()
        }
    }
}
