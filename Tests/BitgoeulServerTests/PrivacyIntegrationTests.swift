import BitgoeulClient
import BitgoeulServer
import Clocks
import Foundation
import Privacy
import Storage
import StorageSQLite
import Testing
import Wire
import WorldModel

@testable import Realtime

/// The privacy guarantees: the vault holds only ciphertext and statistics leave only as noisy
/// budgeted releases (at the router), and an account's personal data is gone after erasure (against
/// a live server, since erasure ends live connections).
@Suite struct PrivacyIntegrationTests {
    static let passphrase = "a long walk along the Gwangju stream"

    /// Whether the database file or its WAL in `dataDirectory` holds `text` anywhere, in any page.
    static func onDisk(_ dataDirectory: URL, _ text: String) -> Bool {
        ["bitgoeul.sqlite", "bitgoeul.sqlite-wal"].contains { file in
            let bytes = (try? Data(contentsOf: dataDirectory.appendingPathComponent(file))) ?? Data()
            return bytes.range(of: Data(text.utf8)) != nil
        }
    }

    @Test func theVaultHoldsOnlyCiphertextAndRefusesBadEnvelopes() async throws {
        let server = try RouterServer { $0.vaultBytesMax = 4096 }
        try await server.test { client in
            let mina = try await client.citizen("mina", personas: ["Mina"])
            #expect(try await mina.api.openLifelog(passphrase: Self.passphrase) == nil)
            let log = Lifelog(entries: [
                .init(kind: "visit", at: 1.8e12, space: "testland/plaza", title: "secret garden visit 7731"),
                .init(kind: "tourStop", at: 1.8e12 + 60_000, space: "testland/hall", title: "빛의 정원"),
            ])
            #expect(try await mina.api.syncLifelog(log, passphrase: Self.passphrase, overRevision: 0) == 1)
            let opened = try #require(try await mina.api.openLifelog(passphrase: Self.passphrase))
            #expect(opened.log == log && opened.revision == 1)
            await #expect(throws: LifelogVault.Failure.self, "a wrong passphrase opens nothing") {
                _ = try await mina.api.openLifelog(passphrase: "a long walk along the Han river")
            }
            // A second device that last saw revision 0 must merge first.
            do {
                try await mina.api.syncLifelog(log, passphrase: Self.passphrase, overRevision: 0)
                Issue.record("a stale write was accepted")
            } catch let failure as BitgoeulAPI.Failure {
                #expect(failure.status == 412 && failure.code == "vault_changed")
            }
            #expect(try await mina.api.syncLifelog(log, passphrase: Self.passphrase, overRevision: 1) == 2)

            func refusal(_ envelope: VaultEnvelope) async -> BitgoeulAPI.Failure? {
                do {
                    _ = try await mina.api.call("PUT", "/api/v1/me/vault", body: envelope)
                    return nil
                } catch { return error as? BitgoeulAPI.Failure }
            }
            var future = try LifelogVault.seal(Array("{}".utf8), passphrase: Self.passphrase)
            future.version = 2
            #expect(await refusal(future)?.message.contains("version 2") == true)
            var weak = future
            weak.version = 1
            weak.kdf.iterations = 10_000
            #expect(await refusal(weak)?.status == 422)
            let big = try LifelogVault.seal(Array(repeating: 65, count: 5000), passphrase: Self.passphrase)
            #expect(await refusal(big)?.message.contains("over 4096 bytes") == true)
            // Without a session there is no vault or access log to read, and the answer says only that.
            for path in ["/api/v1/me/vault", "/api/v1/me/access-log", "/api/v1/me/export"] {
                do {
                    _ = try await client.api.call("GET", path)
                    Issue.record("\(path) answered without a session")
                } catch let failure as BitgoeulAPI.Failure {
                    #expect(failure.status == 401 && failure.code == "unauthorized")
                }
            }
            // The server never saw the plaintext: not in the database, not in its WAL.
            #expect(
                !Self.onDisk(server.dataDirectory, "secret garden") && !Self.onDisk(server.dataDirectory, "빛의 정원"))
            // The export hands the sealed vault back to its owner.
            let export = String(decoding: try await mina.api.call("GET", "/api/v1/me/export"), as: UTF8.self)
            #expect(export.contains("bitgoeul-lifelog") && !export.contains("secret garden"))
        }
    }

    /// Three visitors' hour, closed as a space hands it over (how a space counts them is
    /// `VisitCountingTests`' business), leaves the server only as a noisy, budgeted release.
    @Test func visitStatisticsLeaveOnlyAsNoisyBudgetedReleases() async throws {
        // 14:30 in Gwangju: the hour, "today" and "the future" are the test's, not the machine's.
        let clock = ManualClock(at: try Date("2026-06-15T05:30:00Z", strategy: .iso8601))
        let server = try RouterServer {
            $0.clock = clock.clock
            $0.releasePolicy.epsilon = 1
            $0.releasePolicy.dailyCap = 2
            $0.releasePolicy.threshold = 0
        }
        try await server.test { client in
            let plaza = try #require(server.services.world.space(id: "testland/plaza"))
            var tally = VisitTally(hourStart: hourStart(clock.now), grid: SpaceInstance.heatGrid(plaza))
            for visitor: UInt64 in 1...3 {
                tally.arrive(visitor: visitor)
                tally.observe(visitor: visitor, x: 10, y: 10, seconds: 1)
            }
            server.services.engine.visits.send(ClosedHour(space: plaza.id, tally: tally))
            var visits: BitgoeulAPI.VisitStats?
            for _ in 0..<50 {
                visits = try await client.api.visitStats(space: "testland/plaza")
                if visits?.hours.isEmpty == false { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let released = try #require(visits?.hours.first)
            #expect(visits?.epsilonSpent == 1 && visits?.dailyCap == 2)
            #expect(released.epsilon == 1 && released.scales["visits"] == 2.5)
            if let v = released.visits { #expect(v != 3, "the raw count never leaves") }

            // The heatmap of the hour: a coarse grid, noisy cells only above the threshold.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Seoul")!
            let hour = calendar.component(.hour, from: clock.now)
            #expect(hour == 14)
            let heat = String(
                decoding: try await client.api.call(
                    "GET", "/api/v1/stats/heatmap?space=testland/plaza&hour=\(hour)"),
                as: UTF8.self)
            #expect(heat.contains("\"cellM\"") && heat.contains("\"heatThreshold\""))

            // Bad questions get clear answers.
            func failure(_ path: String) async -> BitgoeulAPI.Failure? {
                do {
                    _ = try await client.api.call("GET", path)
                    return nil
                } catch { return error as? BitgoeulAPI.Failure }
            }
            #expect(await failure("/api/v1/stats/visits?space=nowhere/at-all")?.code == "unknown_space")
            #expect(await failure("/api/v1/stats/visits?space=testland/plaza&date=2026-13-01")?.status == 422)
            let tomorrow = StatsDay.string(clock.now + 86_400)
            #expect(await failure("/api/v1/stats/visits?space=testland/plaza&date=\(tomorrow)")?.code == "future_date")
            #expect(await failure("/api/v1/stats/heatmap?space=testland/plaza&hour=24")?.status == 422)
            #expect(await failure("/api/v1/stats/heatmap?space=testland/plaza&hour=\(hour + 1)")?.code == "future_hour")
        }
    }

    @Test func erasureLeavesNoTraceOfTheAccount() async throws {
        let server = try await TestServer.fast()
        defer { Task { await server.stop() } }
        let alice = try await citizen(server, "alice-erased", personas: ["Alicia Moon", "Second Moon"])
        let bob = try await citizen(server, "bob", personas: ["Bobby"])
        let mod = try await citizen(server, "mod", personas: ["Modder"])
        try await server.store().setRole(account: mod.accountId, space: "*", role: .moderator)
        let a = try await alice.enter(server)
        let b = try await bob.enter(server)
        guard await a.waitUntil(timeoutS: 3, { $0.view.entity(named: "Bobby") != nil }),
            await b.waitUntil(timeoutS: 3, { $0.view.entity(named: "Alicia Moon") != nil })
        else { throw TestFailure("they did not see each other") }
        let bobId = try #require(a.read { $0.view.entity(named: "Bobby")?.id })
        let aliceId = try #require(b.read { $0.view.entity(named: "Alicia Moon")?.id })
        a.say("hello from Alicia Moon", scope: .space)
        a.relate(.friend, entityId: bobId)
        a.report(entityId: bobId, category: 0, note: "Bobby keeps following Alicia Moon")
        b.report(entityId: aliceId, category: 3, note: "Alicia Moon spams")
        #expect(await b.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("report #") } })
        #expect(await a.waitUntil(timeoutS: 3) { $0.notices.contains { $0.text.contains("report #") } })
        let queue = try await mod.openReports()
        #expect(queue.count == 2)
        for r in queue { _ = try await mod.api.call("GET", "/api/v1/moderation/reports/\(r.id)") }
        // The moderator's reason names her: it is copied into the report's outcome, which Bob reads.
        // (Found by name: the two reports were filed at once, so their order is not fixed.)
        let aboutAlice = try #require(queue.first { $0.reportedName == "Alicia Moon" }?.id)
        try await mod.act(on: aboutAlice, "warn", reason: "Alicia Moon warned: no spam")
        #expect(try await alice.api.accessLog().count == 3, "two looks at evidence naming her, one warning")
        try await alice.api.syncLifelog(Lifelog(entries: []), passphrase: Self.passphrase)
        // She renames the persona after the reports: "Alicia Moon" is now a former name.
        struct Rename: Encodable { let name: String }
        _ = try await alice.api.call(
            "PUT", "/api/v1/personas/\(alice.personas[0].id)", body: Rename(name: "Alicia Sun"))
        // A second connection, signed in but in no space, is open when she erases the account.
        let lurker = try await Avatar.connect(url: server.connectURL, token: alice.api.token)

        await #expect(throws: BitgoeulAPI.Failure.self, "the password confirms an erasure") {
            try await alice.api.eraseAccount(password: "not the password")
        }
        try await alice.api.eraseAccount(password: "correct horse battery")
        await #expect(throws: BitgoeulAPI.Failure.self, "her sessions are gone") { _ = try await alice.api.personas() }
        #expect(await b.waitUntil(timeoutS: 3) { $0.view.entity(named: "Alicia Sun") == nil }, "her avatar is gone")
        // Every connection of hers ends at once, like a ban: none can enter as a guest afterwards.
        for c in [a, lurker] {
            #expect(await c.waitUntil(timeoutS: 3) { $0.closed != nil })
            #expect(c.snapshot.closed?.code == CloseCode.accountEnded, "closed with 4010: \(c.snapshot.closed as Any)")
            #expect(c.snapshot.closed?.reason?.contains("erased") == true)
        }
        lurker.joinGuest(space: "testland/plaza", name: "Still Here")
        try await Task.sleep(for: .milliseconds(300))
        #expect(b.snapshot.view.entity(named: "Still Here") == nil)

        // What Bob and the moderators read no longer names her, by current or former name.
        let bobsReports = String(decoding: try await bob.api.call("GET", "/api/v1/reports"), as: UTF8.self)
        var readers = [bobsReports]
        for status in ["open", "resolved"] {
            readers.append(
                String(
                    decoding: try await mod.api.call("GET", "/api/v1/moderation/reports?status=\(status)"),
                    as: UTF8.self))
        }
        for text in readers {
            #expect(!text.contains("Alicia"), "still names her: \(text)")
        }
        #expect(bobsReports.contains("(erased) warned: no spam"), "the outcome keeps its sense: \(bobsReports)")

        // A full dump of the database holds nothing of hers.
        let dump = try await server.store().dump()
        for trace in ["alicia moon", "alicia sun", "second moon", "alice-erased"] {
            #expect(!dump.text.lowercased().contains(trace), "the dump still holds '\(trace)'")
        }
        #expect(!dump.accountIds.contains(alice.accountId), "no row refers to her account")
        #expect(
            !Self.onDisk(server.dataDirectory, "Alicia Moon") && !Self.onDisk(server.dataDirectory, "Alicia Sun")
                && !Self.onDisk(server.dataDirectory, "alice-erased"), "nor any free page")
        // What she filed stays, with her replaced by a tombstone; Bob's own data is intact.
        #expect(dump.text.contains("Bobby keeps following (erased)"))
        #expect(try await bob.api.personas().map(\.name) == ["Bobby"])
        // The transparency log still verifies in full; her entries are there but no longer hers.
        let log = AccessLog(store: try server.store(), key: try AccessLog.loadKey(dataDirectory: server.dataDirectory))
        let audit = try await log.audit()
        // Five entries: each report's evidence names both of them (2 × 2), and the warning.
        #expect(audit.ok && audit.entries == 5, "\(audit)")
    }
}

/// yyyy-MM-dd in Seoul, as the statistics endpoints read dates.
enum StatsDay {
    static func string(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Seoul")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
