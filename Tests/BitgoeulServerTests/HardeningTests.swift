import Accounts
import Clocks
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

@testable import BitgoeulServer

@Suite struct ClientAddressTests {
    @Test func ipv4IsItselfAndIPv6IsItsSlash64() throws {
        let v4 = try SocketAddress(ipAddress: "203.0.113.5", port: 4000)
        #expect(ClientAddress.of(peer: v4, forwardedFor: nil, trustedProxies: []).description == "203.0.113.5")
        let v6 = try SocketAddress(ipAddress: "2001:db8:1:2:aaaa:bbbb:cccc:dddd", port: 4000)
        let other = try SocketAddress(ipAddress: "2001:db8:1:2::1", port: 1)
        #expect(ClientAddress.key(for: v6) == ClientAddress.key(for: other), "one subscriber's /64 is one client")
        #expect(ClientAddress.key(for: v6).description == "2001:db8:1:2::/64")
        let mapped = try SocketAddress(ipAddress: "::ffff:198.51.100.1", port: 1)
        #expect(ClientAddress.key(for: mapped).description == "198.51.100.1")
        #expect(ClientAddress.of(peer: nil, forwardedFor: "1.2.3.4", trustedProxies: []) == .unknown)
    }

    @Test func forwardedForCountsOnlyBehindATrustedProxy() throws {
        let proxy = try SocketAddress(ipAddress: "127.0.0.1", port: 5000)
        let stranger = try SocketAddress(ipAddress: "198.51.100.9", port: 5000)
        let trusted: Set<String> = ["127.0.0.1", "10.0.0.2"]
        #expect(
            ClientAddress.of(peer: proxy, forwardedFor: "203.0.113.5", trustedProxies: trusted).description
                == "203.0.113.5")
        #expect(
            ClientAddress.of(peer: stranger, forwardedFor: "203.0.113.5", trustedProxies: trusted).description
                == "198.51.100.9", "anyone else's header is ignored")
        // A client cannot hide behind a forged first hop: the rightmost untrusted address counts.
        #expect(
            ClientAddress.of(peer: proxy, forwardedFor: "1.1.1.1, 203.0.113.5, 10.0.0.2", trustedProxies: trusted)
                .description == "203.0.113.5")
        #expect(
            ClientAddress.of(peer: proxy, forwardedFor: "not-an-ip", trustedProxies: trusted).description == "127.0.0.1"
        )
    }
}

@Suite struct RequestHeadScannerTests {
    @Test func aHeadEndsAtTheFirstEmptyLineWhateverTheChunks() {
        let head = Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nbody".utf8)
        for split in 0...head.count {
            var s = RequestHeadScanner(bytesMax: 1024)
            let first = s.feed(head[..<split])
            let second = first == .complete ? .complete : s.feed(head[split...])
            #expect(second == .complete, "split at \(split)")
        }
        var bare = RequestHeadScanner(bytesMax: 1024)
        #expect(bare.feed(Array("GET / HTTP/1.1\nHost: x\n\n".utf8)) == .complete, "bare LFs too")
    }

    @Test func leadingEmptyLinesAreNotAHeadAndSlowTrickleIsIncomplete() {
        var s = RequestHeadScanner(bytesMax: 1024)
        #expect(s.feed(Array("\r\n\r\n\r\n".utf8)) == .incomplete)
        #expect(!s.hasStarted)
        for byte in "GET / HTTP/1.1\r\nX-a: ".utf8 { #expect(s.feed([byte]) == .incomplete) }
        #expect(s.hasStarted)
    }

    @Test func aHeadOverTheLimitIsTooLarge() {
        var s = RequestHeadScanner(bytesMax: 100)
        #expect(s.feed(Array("GET / HTTP/1.1\r\n".utf8)) == .incomplete)
        #expect(s.feed(Array(repeating: UInt8(ascii: "a"), count: 200)) == .tooLarge)
    }
}

@Suite struct AdmissionTests {
    final class FakeClock: Sendable {
        let now = Mutex(0.0)
        func advance(_ s: Double) { now.withLock { $0 += s } }
        var read: @Sendable () -> Double { { self.now.withLock { $0 } } }
    }

    @Test func aGreedyAddressGetsItsShareAndOthersStillGetIn() {
        let clock = FakeClock()
        let admission = Admission(openMax: 1000, perSecond: 20, perAddressPerSecond: 4, clock: clock.read)
        let greedy = ClientAddress("198.51.100.1")
        var admitted = 0
        for _ in 0..<100 where admission.enter(from: greedy) == .admitted { admitted += 1 }
        #expect(admitted == 8, "a burst of twice its rate, then nothing")
        #expect(admission.enter(from: ClientAddress("203.0.113.2")) == .admitted, "the shared budget is not spent")
        clock.advance(1)
        #expect(admission.enter(from: greedy) == .admitted, "its share refills")
    }
}

/// HTTP behaviour at the router: media types and the per-account sign-in back-off.
@Suite struct RouterHardeningTests {
    static func app(_ configure: (inout ServerConfig) -> Void = { _ in }) throws -> some ApplicationProtocol {
        var config = ServerConfig()
        config.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "bitgoeul-router-\(UUID().uuidString)")
        config.worldDirectories = [TestServer.testWorld]
        config.webDirectory = nil
        config.passwordIterations = 1000
        configure(&config)
        var logger = Logger(label: "router-test")
        logger.logLevel = .warning
        return try BitgoeulServer(config: config, logger: logger).makeApplication()
    }

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func jsonBodiesMustSayJSONAndBeUTF8() async throws {
        let credentials = #"{"username":"formfill","password":"long enough pw"}"#
        try await Self.app().test(.router) { client in
            // What a plain HTML form can send cross-site without a CORS preflight: refused.
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", nil] {
                let headers: HTTPFields = type.map { [.contentType: $0] } ?? [:]
                try await client.execute(
                    uri: "/api/v1/accounts", method: .post, headers: headers, body: Self.json(credentials)
                ) {
                    #expect($0.status == .unsupportedMediaType, "\(type ?? "no type")")
                    #expect(String(buffer: $0.body).contains("unsupported_media_type"))
                }
            }
            try await client.execute(
                uri: "/api/v1/accounts", method: .post, headers: [.contentType: "application/json; charset=utf-16"],
                body: Self.json(credentials)
            ) { #expect($0.status == .unsupportedMediaType) }
            // UTF-16 (with its byte-order mark) under a JSON label: refused, not decoded.
            var utf16 = ByteBuffer(bytes: [0xFF, 0xFE])
            utf16.writeBytes(credentials.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            try await client.execute(
                uri: "/api/v1/accounts", method: .post, headers: [.contentType: "application/json"], body: utf16
            ) {
                #expect($0.status == .badRequest)
                #expect(String(buffer: $0.body).contains("UTF-8"))
            }
            try await client.execute(
                uri: "/api/v1/accounts", method: .post, headers: [.contentType: "Application/JSON; charset=\"UTF-8\""],
                body: Self.json(credentials)
            ) { #expect($0.status == .created, "parameters and case are fine") }
            try await client.execute(
                uri: "/api/v1/sessions", method: .post, headers: [.contentType: "text/plain"],
                body: Self.json(credentials)
            ) { #expect($0.status == .unsupportedMediaType, "no sign-in by form either") }
            try await client.execute(
                uri: "/api/v1/sessions", method: .post, headers: [.contentType: "application/json"],
                body: Self.json(credentials)
            ) { #expect($0.status == .created) }
        }
    }

    @Test func guessingOneAccountsPasswordSlowsThatAccountOnly() async throws {
        // The test moves time itself: however slowly the guesses run, the back-off is exactly 1 s.
        let clock = ManualClock(at: Date(timeIntervalSince1970: 1_790_000_000))
        let app = try Self.app {
            $0.signInPolicy.accountFailuresFree = 3
            $0.clock = clock.clock
        }
        try await app.test(.router) { client in
            func send(_ uri: String, _ user: String, _ password: String) async throws -> TestResponse {
                try await client.execute(
                    uri: uri, method: .post, headers: [.contentType: "application/json"],
                    body: Self.json(#"{"username":"\#(user)","password":"\#(password)"}"#))
            }
            #expect(try await send("/api/v1/accounts", "victim", "the right one").status == .created)
            #expect(try await send("/api/v1/accounts", "bystander", "mine is fine").status == .created)
            for guess in 0..<4 {
                #expect(try await send("/api/v1/sessions", "victim", "guess number \(guess)").status == .unauthorized)
            }
            // Past the free failures the account waits, even for the right password.
            let slowed = try await send("/api/v1/sessions", "victim", "the right one")
            #expect(slowed.status == .tooManyRequests)
            #expect(slowed.headers[.retryAfter] == "1")
            #expect(String(buffer: slowed.body).contains("this account"))
            // Another person signs in normally meanwhile, from the same network even.
            #expect(try await send("/api/v1/sessions", "bystander", "mine is fine").status == .created)
            clock.advance(by: 0.9)
            #expect(try await send("/api/v1/sessions", "victim", "the right one").status == .tooManyRequests)
            clock.advance(by: 0.2)
            #expect(try await send("/api/v1/sessions", "victim", "the right one").status == .created, "after the wait")
        }
    }

    @Test func otherSitesGetCORSOnlyWhenListed() async throws {
        let partner = "https://partner.example"
        try await Self.app { $0.allowedOrigins = [partner] }.test(.router) { client in
            try await client.execute(uri: "/api/v1/world", method: .get, headers: [.origin: partner]) {
                #expect($0.headers[.accessControlAllowOrigin] == partner)
                #expect($0.headers[.vary] == "Origin")
            }
            try await client.execute(
                uri: "/api/v1/sessions", method: .options,
                headers: [.origin: partner, .accessControlRequestMethod: "POST"]
            ) {
                #expect($0.status == .noContent)
                #expect($0.headers[.accessControlAllowHeaders]?.contains("Content-Type") == true)
            }
            for origin in ["https://evil.example", "https://partner.example.evil"] {
                try await client.execute(uri: "/api/v1/world", method: .get, headers: [.origin: origin]) {
                    #expect($0.headers[.accessControlAllowOrigin] == nil, "\(origin)")
                }
            }
        }
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/world", method: .get, headers: [.origin: partner]) {
                #expect($0.status == .ok)
                #expect($0.headers[.accessControlAllowOrigin] == nil, "same origin only by default")
            }
        }
    }

    @Test func aDocumentedPathAskedWithAnotherMethodIs405WithAllow() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .init("TRACE")!) {
                #expect($0.status == .methodNotAllowed)
                #expect($0.headers[.allow] == "GET")
            }
            try await client.execute(uri: "/api/v1/personas/7", method: .post) {
                #expect($0.status == .methodNotAllowed)
                #expect($0.headers[.allow] == "DELETE, PUT")
            }
            try await client.execute(uri: "/api/v1/nothing-here", method: .get) { #expect($0.status == .notFound) }
        }
    }
}
