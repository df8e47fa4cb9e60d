import Foundation
import NIOCore
import Testing
import Wire
import WorldModel

/// Codecs against the shared test vectors, plus round trips and rejection of bad input.
@Suite struct WireTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/protocol")

    func hex(_ buffer: ByteBuffer) -> String {
        buffer.readableBytesView.map { String(format: "%02x", $0) }.joined()
    }

    func bytes(hex: String) -> ByteBuffer {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return ByteBuffer(bytes: out)
    }

    /// Writes the vector files when BITGOEUL_WRITE_VECTORS=1, else reads them.
    func vector(_ name: String, encoded: ByteBuffer, json: [String: Any]) throws -> String {
        let url = Self.fixtures.appendingPathComponent("\(name).json")
        if ProcessInfo.processInfo.environment["BITGOEUL_WRITE_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: Self.fixtures, withIntermediateDirectories: true)
            let object: [String: Any] = ["name": name, "hex": hex(encoded), "message": json]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: url)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(object["hex"] as? String)
    }

    @Test(arguments: VectorCases.client.indices)
    func clientMessagesMatchTheirVectors(_ index: Int) throws {
        let (name, message, json) = VectorCases.client[index]
        let encoded = Frame.encode([message])
        let expected = try vector(name, encoded: encoded, json: json)
        #expect(hex(encoded) == expected, "\(name) encodes to the vector bytes")
        #expect(try Frame.decodeClient(bytes(hex: expected)) == [message], "\(name) decodes from the vector bytes")
    }

    @Test(arguments: VectorCases.server.indices)
    func serverMessagesMatchTheirVectors(_ index: Int) throws {
        let (name, message, json) = VectorCases.server[index]
        let encoded = Frame.encode([message])
        let expected = try vector(name, encoded: encoded, json: json)
        #expect(hex(encoded) == expected, "\(name) encodes to the vector bytes")
        #expect(try Frame.decodeServer(bytes(hex: expected)) == [message], "\(name) decodes from the vector bytes")
    }

    @Test func moveBytesAreLittleEndianAsDocumented() {
        let frame = Frame.encode([.move(MoveIntent(seq: 1, x: 1, y: -2, z: 0, heading: 0, animation: .walk))])
        // type 04, length 21, seq 1, x 1.0f, y -2.0f, z 0, heading 0, animation 1
        #expect(hex(frame) == "04150001000000" + "0000803f" + "000000c0" + "00000000" + "00000000" + "01")
    }

    @Test func severalMessagesShareOneFrame() throws {
        let messages: [ClientMessage] = [.presenceRequest, .ping(clientTimeMs: 5), .chat(scope: .space, text: "hi")]
        #expect(try Frame.decodeClient(Frame.encode(messages)) == messages)
    }

    @Test func badInputIsRejectedWithTheField() {
        func decodeError(_ bytes: [UInt8]) -> WireError? {
            do {
                _ = try Frame.decodeClient(ByteBuffer(bytes: bytes))
                return nil
            } catch {
                return error
            }
        }
        #expect(decodeError([])?.kind == .truncated, "empty frame")
        #expect(decodeError([0x04, 0x02])?.kind == .truncated, "header cut short")
        #expect(decodeError([0x04, 0x10, 0x00, 0x01])?.kind == .truncated, "length beyond the frame")
        #expect(decodeError([0x7E, 0x00, 0x00])?.kind == .unknownType(0x7E))
        #expect(decodeError([0x81, 0x00, 0x00])?.kind == .unknownType(0x81), "server types are not client messages")
        #expect(decodeError([0x08, 0x01, 0x00, 0xFF])?.kind == .trailingBytes)
        var nan = ByteBuffer()
        ClientMessage.move(MoveIntent(seq: 1, x: 0, y: .infinity, z: 0, heading: 0, animation: .idle)).encode(
            into: &nan)
        #expect(decodeError(Array(nan.readableBytesView))?.field == "move.y")
        var badAnimation = Array(
            Frame.encode([.move(MoveIntent(seq: 1, x: 0, y: 0, z: 0, heading: 0, animation: .idle))]).readableBytesView)
        badAnimation[badAnimation.count - 1] = 99
        #expect(decodeError(badAnimation)?.field == "move.animation")
        // Invalid UTF-8 in chat.
        #expect(decodeError([0x05, 0x04, 0x00, 0x00, 0x01, 0x00, 0xFF])?.kind == .invalidValue)
        // A token longer than the limit.
        var long = ByteBuffer()
        ClientMessage.hello(version: 1, token: String(repeating: "a", count: 100)).encode(into: &long)
        var raw = Array(long.readableBytesView)
        raw[5] = 200  // claim a 200-byte token
        raw += [UInt8](repeating: 0x61, count: 100)
        raw[1] = UInt8(raw.count - 3)
        #expect(decodeError(raw)?.kind == .tooLong)
        let tooMany = [UInt8](repeating: 0, count: 0) + Array(repeating: [0x08, 0x00, 0x00], count: 33).flatMap { $0 }
        #expect(decodeError(tooMany)?.kind == .tooLong, "at most 32 messages a frame")
    }

    @Test func stringsAreCutAtCharacterBoundaries() throws {
        let name = String(repeating: "빛", count: 40)  // 120 bytes; the wire keeps 96 = 32 syllables
        let decoded = try Frame.decodeClient(Frame.encode([.joinGuest(space: "s", name: name, appearance: .standard)]))
        guard case .joinGuest(_, let cut, _) = decoded.first else {
            Issue.record("not a joinGuest")
            return
        }
        #expect(cut == String(repeating: "빛", count: 32))
    }

    @Test func quantizerRoundTripsWithinHalfAQuantum() {
        let q = Quantizer(minX: -160, minY: -140, minZ: 0, extentM: 400)
        #expect(q.quantumM == 0.01)
        for x in stride(from: Float(-160), through: 240, by: 3.7) {
            let back = q.position(x: q.x(x), y: q.y(0), z: q.z(0)).x
            #expect(abs(back - x) <= 0.005 + 1e-4)
        }
        #expect(q.x(-1000) == 0, "clamped at the low edge")
        #expect(q.x(1000) == 65535, "clamped at the high edge")
        let big = Quantizer(minX: 0, minY: 0, minZ: 0, extentM: 20_000)
        #expect(big.quantumM >= 20_000 / 65535)
        #expect(Quantizer.heading(0) == 0)
        #expect(Quantizer.heading(.pi) == 32768)
        #expect(Quantizer.heading(-.pi / 2) == 49152)
        #expect(abs(Quantizer.radians(16384) - .pi / 2) < 1e-6)
    }
}
