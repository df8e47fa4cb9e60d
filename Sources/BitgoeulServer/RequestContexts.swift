import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import WorldModel

/// The context of an HTTP request: Hummingbird's basics plus the peer's socket address, which
/// per-client limits key on, and the checked JSON decoder behind `request.decode(as:context:)`.
public struct BitgoeulRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The largest request body `request.decode(as:context:)` reads, in bytes (Hummingbird's name).
    public private(set) var maxUploadSize = JSON.bodyBytesMax
    public var requestDecoder: JSONBodyDecoder { JSONBodyDecoder() }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// This context with another body limit, for a route whose bodies are larger than most.
    func allowingBodies(upTo bytesMax: Int) -> Self {
        var context = self
        context.maxUploadSize = bytesMax
        return context
    }
}

/// The context of a WebSocket upgrade request, with the peer's address for fair admission.
public struct ConnectRequestContext: WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let remoteAddress: SocketAddress?
    /// The connection's channel: after the upgrade the space writes its frames there directly.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }
}

/// Who a request comes from as far as rate limits are concerned: an IPv4 address, or the /64
/// network of an IPv6 address (one subscriber usually holds a whole /64).
///
/// Kept in memory only, never written to disk or logs.
public struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    public let description: String

    init(_ key: String) { description = key }

    /// The peer of a Unix socket, or an address that could not be read.
    static let unknown = ClientAddress("unknown")

    /// The client behind `peer`: the peer itself, or, when the peer is one of `trustedProxies`,
    /// the rightmost address in `X-Forwarded-For` that is not a trusted proxy.
    static func of(peer: SocketAddress?, forwardedFor: String?, trustedProxies: Set<String>) -> ClientAddress {
        guard let peer, let peerIP = peer.ipAddress else { return .unknown }
        guard trustedProxies.contains(peerIP), let forwardedFor else { return key(for: peer) }
        // Proxies append; the last hop a trusted proxy did not add is the client.
        for hop in forwardedFor.split(separator: ",").reversed().prefix(Self.forwardedHopsMax) {
            let ip = String(hop).trimmingWhitespace()
            if trustedProxies.contains(ip) { continue }
            guard let address = try? SocketAddress(ipAddress: ip, port: 0) else { return key(for: peer) }
            return key(for: address)
        }
        return key(for: peer)
    }

    /// Hops of `X-Forwarded-For` looked at, from the right.
    static let forwardedHopsMax = 8

    static func key(for address: SocketAddress) -> ClientAddress {
        switch address {
        case .v4:
            return ClientAddress(address.ipAddress ?? "unknown")
        case .v6(let v6):
            // sockaddr_in6: family (2 bytes), port (2), flow info (4), then the 16 address bytes.
            let bytes = withUnsafeBytes(of: v6.address) { Array($0[8..<24]) }
            // An IPv4 client seen through a dual-stack socket (::ffff:a.b.c.d) is that IPv4 address.
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
                return ClientAddress(bytes[12..<16].map(String.init).joined(separator: "."))
            }
            let groups = stride(from: 0, to: 8, by: 2).map {
                String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
            }
            return ClientAddress(groups.joined(separator: ":") + "::/64")
        case .unixDomainSocket:
            return .unknown
        }
    }
}

extension RemoteAddressRequestContext {
    /// The client this request counts against (see `ClientAddress.of`).
    func clientAddress(_ request: Request, services: Services) -> ClientAddress {
        ClientAddress.of(
            peer: remoteAddress, forwardedFor: request.headers[.xForwardedFor],
            trustedProxies: services.config.trustedProxies)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
