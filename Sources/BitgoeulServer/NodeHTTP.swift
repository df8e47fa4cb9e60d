import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One HTTP/1.1 request to another server (a node of the cluster, a peer city), on NIO: the status
/// and at most `responseBytesMax` bytes of the body, or an error when the server cannot be reached,
/// sends more, or does not answer within `timeoutS` (an event-loop timer closes the connection).
enum NodeHTTP {
    struct Unreachable: Error {}
    struct TooLarge: Error {}

    static func exchange(
        _ method: HTTPMethod, base: String, path: String, headers: [(String, String)] = [], body: Data? = nil,
        timeoutS: Double, responseBytesMax: Int
    ) async throws -> (status: Int, body: Data) {
        guard let url = URLComponents(string: base), let host = url.host, let scheme = url.scheme,
            scheme == "http" || scheme == "https"
        else { throw Unreachable() }
        let tls = scheme == "https"
        let port = url.port ?? (tls ? 443 : 80)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(Int64(min(5, max(1, timeoutS)))))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tls {
                        let context = try NIOSSLContext(configuration: .makeClientConfiguration())
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let timer = channel.channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeoutS * 1000))) {
            channel.channel.close(promise: nil)
        }
        defer { timer.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            if let body { head.headers.add(name: "Content-Length", value: "\(body.count)") }
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            if let body { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var status: Int?
            var received = Data()
            for try await part in inbound {
                switch part {
                case .head(let response):
                    status = Int(response.status.code)
                    if responseBytesMax == 0 { return (status!, received) }
                case .body(let buffer):
                    guard received.count + buffer.readableBytes <= responseBytesMax else { throw TooLarge() }
                    received.append(contentsOf: buffer.readableBytesView)
                case .end:
                    guard let status else { throw Unreachable() }
                    return (status, received)
                }
            }
            throw Unreachable()
        }
    }
}
