import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import NIOSSL
import WorldModel

extension TLSFiles {
    /// The server's TLS configuration from the PEM files; throws with the file and the reason.
    func serverConfiguration() throws -> TLSConfiguration {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(certificateChain.path)
        } catch {
            throw ManifestError(file: certificateChain.path, field: "(tls-cert)", reason: "not a PEM certificate chain")
        }
        guard !certificates.isEmpty else {
            throw ManifestError(file: certificateChain.path, field: "(tls-cert)", reason: "holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKey.path, format: .pem)
        } catch {
            throw ManifestError(file: privateKey.path, field: "(tls-key)", reason: "not a PEM private key")
        }
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
        config.minimumTLSVersion = .tlsv12
        config.applicationProtocols = ["http/1.1"]
        return config
    }
}

/// Tells browsers to use HTTPS for this host from now on (sent only when the server speaks TLS).
struct StrictTransportSecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    static var maxAgeS: Int { 365 * 24 * 3600 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        response.headers[.strictTransportSecurity] = "max-age=\(Self.maxAgeS)"
        return response
    }
}

/// Whether `host` is an address only this machine can reach.
func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host == "::1" || host.hasPrefix("127.")
}
