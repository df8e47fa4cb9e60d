import Foundation

/// A TCP relay on loopback that a test can cut, to look like a database restarting: while cut,
/// open connections are closed and new ones are closed as soon as they are accepted.
///
/// `@unchecked Sendable`: `cutNow` and `pairs` are only touched under `lock`; the sockets are plain
/// file descriptors used by the relay's own threads.
final class TCPRelay: @unchecked Sendable {
    let port: Int
    private let target: sockaddr_in
    private let listener: Int32
    private let lock = NSLock()
    private var cutNow = false
    private var pairs: [(Int32, Int32)] = []

    init(to host: String, port targetPort: Int) throws {
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = inet_addr(host)
        target.sin_port = UInt16(targetPort).bigEndian
        self.target = target
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("the relay could not listen") }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Closes every relayed connection and refuses new ones until `restore`.
    func cut() {
        let open = lock.withLock {
            cutNow = true
            defer { pairs.removeAll() }
            return pairs
        }
        for (a, b) in open {
            shutdown(a, Int32(SHUT_RDWR))
            shutdown(b, Int32(SHUT_RDWR))
        }
    }

    func restore() { lock.withLock { cutNow = false } }

    /// Stops listening (the relay's threads end with their connections).
    func close() {
        cut()
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            if lock.withLock({ cutNow }) {
                Glibc.close(client)
                continue
            }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var target = target
            let connected = withUnsafePointer(to: &target) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                Glibc.close(client)
                Glibc.close(server)
                continue
            }
            lock.withLock { pairs.append((client, server)) }
            Thread { Self.pump(from: client, to: server) }.start()
            Thread { Self.pump(from: server, to: client) }.start()
        }
    }

    /// Copies bytes until either side ends, then ends both directions.
    private static func pump(from source: Int32, to sink: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            var sent = 0
            while sent < n {
                // MSG_NOSIGNAL: a peer gone must not end the test process with SIGPIPE.
                let m = buffer.withUnsafeBytes { send(sink, $0.baseAddress! + sent, n - sent, Int32(MSG_NOSIGNAL)) }
                guard m > 0 else { break }
                sent += m
            }
            if sent < n { break }
        }
        shutdown(source, Int32(SHUT_RDWR))
        shutdown(sink, Int32(SHUT_RDWR))
    }
}
