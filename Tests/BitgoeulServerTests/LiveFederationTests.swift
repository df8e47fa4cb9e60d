import BitgoeulClient
import Foundation
import Testing
import Wire
import WorldModel

/// The trip through the SDK (`BitgoeulAPI`, `Avatar`) between two real cities on loopback: a Gwangju
/// persona walks into the ACC plaza's portal, gets a ticket from home and visits Daegu, where a
/// resident sees them marked with their home city; the three-city trip and its refusals are in
/// tests_py/test_federation_live.py.
@Suite(.serialized) struct LiveFederationTests {
    struct City {
        let id: String
        let name: String
        let world: String
        let port = LiveCluster.freePort()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("bitgoeul-city-\(UUID().uuidString)")
        var base: String { "http://127.0.0.1:\(port)" }
        var api: BitgoeulAPI { BitgoeulAPI(baseURL: URL(string: base)!) }
    }

    /// `bitgoeul federation key` for `city`: the `[[peer]]` entry others pin, with its name.
    static func entry(of city: City) throws -> String {
        let process = Process()
        process.executableURL = LiveCluster.binary
        process.arguments = ["federation", "key", "--data", city.data.path, "--server-id", city.id, "--url", city.base]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.replacingOccurrences(
            of: "id = \"\(city.id)\"", with: "id = \"\(city.id)\"\nname = \"\(city.name)\"")
    }

    @Test func aPersonaWalksThroughThePortalAndVisitsDaeguThroughTheSDK() async throws {
        let gwangju = City(id: "gwangju.example", name: "광주 Gwangju", world: "worlds/gwangju")
        let daegu = City(id: "daegu.example", name: "대구 Daegu", world: "worlds/daegu")
        var pids: [pid_t] = []
        defer {
            for pid in pids { kill(pid, SIGTERM) }
            for pid in pids { LiveCluster.wait(pid) }
        }
        for city in [gwangju, daegu] {
            try FileManager.default.createDirectory(at: city.data, withIntermediateDirectories: true)
        }
        let entries = [gwangju.id: try Self.entry(of: gwangju), daegu.id: try Self.entry(of: daegu)]
        for (city, other) in [(gwangju, daegu), (daegu, gwangju)] {
            let peers = city.data.appendingPathComponent("peers.toml")
            try Data(entries[other.id]!.utf8).write(to: peers)
            pids.append(
                try LiveCluster.spawn(
                    [
                        LiveCluster.binary.path, "serve", "--host", "127.0.0.1", "--port", "\(city.port)", "--data",
                        city.data.path, "--world", TestServer.repoRoot.appendingPathComponent(city.world).path,
                        "--server-id", city.id, "--server-name", city.name, "--peers", peers.path, "--log-level",
                        "warning", "--password-iterations", "1000",
                    ], log: city.data.appendingPathComponent("server.log").path))
        }
        for city in [gwangju, daegu] {
            try await LiveCluster.poll(timeoutS: 20, "\(city.id) does not answer") {
                (try? await city.api.call("GET", "/.well-known/bitgoeul")) != nil
            }
        }

        try await gwangju.api.register(username: "minji", password: "correct horse battery")
        let home = try await gwangju.api.signIn(username: "minji", password: "correct horse battery")
        let persona = try await home.createPersona(name: "민지")
        try await daegu.api.register(username: "local", password: "correct horse battery")
        let there = try await daegu.api.signIn(username: "local", password: "correct horse battery")
        let resident = try await Avatar.connect(url: "ws://127.0.0.1:\(daegu.port)/api/v1/connect", token: there.token)
        resident.join(space: "daegu/kim-kwangseok-street", personaId: try await there.createPersona(name: "동성로").id)

        let walker = try await Avatar.connect(url: "ws://127.0.0.1:\(gwangju.port)/api/v1/connect", token: home.token)
        walker.join(space: "gwangju/acc-plaza", personaId: persona.id)
        #expect(await walker.waitUntil(timeoutS: 10) { $0.view.snapshots > 0 })
        // Run to the portal to Daegu at (-12, -35), 0.2 m every 50 ms, from where the server says we are.
        for _ in 0..<400 {
            let (x, y) = walker.read { ($0.view.selfX, $0.view.selfY) }
            let (dx, dy) = (-12 - x, -35 - y)
            let d = (dx * dx + dy * dy).squareRoot()
            if d < 1 { break }
            let step = min(d, 0.2)
            _ = walker.move(x: x + dx / d * step, y: y + dy / d * step, heading: atan2(dy, dx), animation: .run)
            try await Task.sleep(for: .milliseconds(50))
        }
        walker.teleport(throughPortal: "to-daegu")
        #expect(await walker.waitUntil(timeoutS: 5) { $0.travel != nil })
        let travel = try #require(walker.snapshot.travel)
        #expect(travel.city == daegu.id && travel.space == "daegu/kim-kwangseok-street")

        let ticket = try await home.travelTicket(personaId: persona.id, city: travel.city, space: travel.space)
        walker.close()
        let visitor = try await Avatar.visit(url: ticket.url, ticket: ticket.ticket)
        let visiting = try #require(visitor.snapshot.visiting)
        #expect(visiting.home == gwangju.id && visiting.homeName == gwangju.name && visiting.homeURL == gwangju.base)
        #expect(visitor.snapshot.view.space == "daegu/kim-kwangseok-street" && !visitor.snapshot.guest)
        #expect(
            await resident.waitUntil(timeoutS: 10) {
                $0.view.entity(named: "민지").map { $0.home == gwangju.name && $0.flags & EntityEnter.flagVisitor != 0 }
                    ?? false
            })
        visitor.close()
        resident.close()
        // A refused ticket surfaces as the close code and reason.
        await #expect(throws: Avatar.ConnectFailure.self) {
            _ = try await Avatar.visit(url: ticket.url, ticket: ticket.ticket)
        }
    }
}
