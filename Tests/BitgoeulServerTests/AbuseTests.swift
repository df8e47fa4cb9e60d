import BitgoeulClient
import BitgoeulServer
import Foundation
import NIOCore
import RealtimeSession
import Testing
import Wire
import WorldModel

/// Bad input against a live server: it answers with a reason and everyone else carries on.
@Suite struct AbuseTests {
    /// Waits for the close event of a raw connection and returns its code.
    func closeCode(_ connection: RealtimeConnection, timeoutS: Double = 5) async -> UInt16? {
        await withTaskGroup(of: UInt16?.self) { group in
            group.addTask {
                for await event in connection.events { if case .closed(let code, _) = event { return code } }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeoutS))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    @Test func aFrameOver16KiBClosesWith1009() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let raw = try await RealtimeConnection.connect(url: server.connectURL)
        raw.sendRaw(ByteBuffer(repeating: 0x05, count: 16 * 1024 + 1))
        #expect(await closeCode(raw) == CloseCode.tooBig)
    }

    @Test func noHelloInTimeClosesWith4001() async throws {
        let server = try await TestServer.start { $0.helloTimeoutS = 0.3 }
        defer { Task { await server.stop() } }
        let raw = try await RealtimeConnection.connect(url: server.connectURL)
        #expect(await closeCode(raw) == CloseCode.helloTimeout)
    }

    @Test func malformedMessagesGetErrorsThenTheConnectionIsClosed() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let avatar = try await server.guest("Sloppy")
        // An unknown type is skipped with an error; the connection stays open.
        avatar.connection.sendRaw(ByteBuffer(bytes: [0x7F, 0x00, 0x00]))
        #expect(await avatar.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .unknownType } })
        // NaN in a move is refused.
        var nan = ByteBuffer()
        ClientMessage.move(MoveIntent(seq: 1, x: .nan, y: 0, z: 0, heading: 0, animation: .walk)).encode(into: &nan)
        avatar.connection.sendRaw(nan)
        #expect(await avatar.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .invalidValue } })
        #expect(avatar.snapshot.closed == nil)
        // A stream of garbage past the error budget closes it with a reason.
        for _ in 0..<40 { avatar.connection.sendRaw(ByteBuffer(bytes: [0x04, 0x02, 0x00, 0x01])) }
        #expect(await avatar.waitUntil(timeoutS: 3) { $0.closed?.code == CloseCode.protocolErrors })
    }

    @Test func floodingIsThrottledThenDisconnected() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let flooder = try await server.guest("Flooder")
        for i in 0..<10 { flooder.say("spam \(i)", scope: .space) }
        #expect(await flooder.waitUntil(timeoutS: 2) { $0.errors.contains { $0.code == .rateLimited } })
        // 6,000 moves, 32 to a frame (the most a frame may carry), so they arrive within moments even on a
        // loaded machine: the bucket refills 30 moves and 5 violations a second, and every tenth dropped
        // move is a violation, so the 100-violation budget runs out unless they trickle in over a minute.
        let moves = (0..<6000).map { i in
            ClientMessage.move(
                MoveIntent(seq: UInt32(i + 1), x: 10, y: 10 + Float(i % 2), z: 0, heading: 0, animation: .walk))
        }
        for start in stride(from: 0, to: moves.count, by: Frame.clientMessagesMax) {
            flooder.connection.send(Array(moves[start..<min(moves.count, start + Frame.clientMessagesMax)]))
        }
        #expect(await flooder.waitUntil(timeoutS: 20) { $0.closed?.code == CloseCode.flooding })
        #expect(flooder.snapshot.closed?.reason?.contains("flood") == true)
    }

    /// Throws 10,000 random and mutated frames at a live server, then checks that a bystander kept
    /// receiving snapshots and a new client can still join and see it.
    @Test func fuzzTenThousandFramesThenTheServerStillServes() async throws {
        let server = try await TestServer.start { config in
            config.limits.errorsBurst = 2000
            config.limits.violationsBurst = 2000
            config.limits.pingsBurst = 1000
            config.limits.pingsPerS = 1000
            config.limits.joinsBurst = 1000
            config.limits.chatBurst = 1000
        }
        defer { Task { await server.stop() } }
        let bystander = try await server.guest("Bystander")
        let snapshotsBefore = bystander.snapshot.view.snapshots

        var rng = SplitMix64(seed: 2026)
        let seeds: [ByteBuffer] = [
            Frame.encode([.hello(version: 1, token: "")]),
            Frame.encode([.joinGuest(space: "testland/plaza", name: "Fuzz", appearance: .standard)]),
            Frame.encode([.move(MoveIntent(seq: 7, x: 12, y: 11, z: 0, heading: 1, animation: .run))]),
            Frame.encode([.chat(scope: .proximity, text: "퍼지 테스트")]),
            Frame.encode([.teleportPortal(portalId: "to-hall")]),
            Frame.encode([.teleportSpace(space: "testland/hall")]),
            Frame.encode([.presenceRequest, .ping(clientTimeMs: 1), .leave]),
        ]
        var sent = 0
        var connections = 0
        while sent < 10_000 {
            let avatar = try await Avatar.connect(url: server.connectURL, token: nil)
            connections += 1
            avatar.joinGuest(space: "testland/plaza", name: "Fuzzer \(connections)")
            for _ in 0..<500 where sent < 10_000 {
                avatar.connection.sendRaw(mutate(seeds, &rng))
                sent += 1
            }
            // A ping behind the batch: its pong means the server read everything before it.
            avatar.ping()
            _ = await avatar.waitUntil(timeoutS: 10) { $0.lastPongRttMs != nil || $0.closed != nil }
            avatar.close()
        }
        #expect(sent == 10_000)

        let after = bystander.snapshot
        #expect(after.closed == nil, "the bystander stayed connected")
        #expect(await bystander.waitUntil(timeoutS: 2) { $0.view.snapshots > snapshotsBefore + 20 })
        let newcomer = try await server.guest("Newcomer")
        #expect(await newcomer.waitUntil(timeoutS: 2) { $0.view.entity(named: "Bystander") != nil })
        newcomer.say("still alive", scope: .space)
        #expect(await bystander.waitUntil(timeoutS: 2) { $0.chat.contains { $0.text == "still alive" } })
    }

    /// A random frame, or a valid one with bytes flipped, cut, extended or its length field changed.
    func mutate(_ seeds: [ByteBuffer], _ rng: inout SplitMix64) -> ByteBuffer {
        let choice = Int.random(in: 0..<6, using: &rng)
        if choice == 0 {
            let count = Int.random(in: 0..<64, using: &rng)
            return ByteBuffer(bytes: (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
        var bytes = Array(seeds[Int.random(in: 0..<seeds.count, using: &rng)].readableBytesView)
        switch choice {
        case 1:
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
        case 2:
            bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
        case 3:
            bytes += (0..<Int.random(in: 1...32, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        case 4 where bytes.count >= 3:
            bytes[1] = UInt8.random(in: 0...255, using: &rng)
            bytes[2] = UInt8.random(in: 0...3, using: &rng)
        default:
            bytes += bytes
        }
        return ByteBuffer(bytes: bytes)
    }
}
