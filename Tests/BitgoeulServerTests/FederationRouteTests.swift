import BitgoeulServer
import Federation
import Foundation
import Testing

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
            #expect((body["entryPoints"] as? [String])?.contains("testland/plaza") == true)
            let time = try #require(body["time"] as? Int)
            #expect(abs(Double(time) - Date().timeIntervalSince1970) < 60)
        }
    }

    @Test func aServerOutsideAnyFederationHasNoWellKnownDocument() async throws {
        try await RouterServer().test { client in
            let (status, _) = try await client.get("/.well-known/bitgoeul")
            #expect(status == 404)
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
}
