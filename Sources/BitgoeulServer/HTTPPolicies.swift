import Foundation
import HTTPTypes
import Hummingbird

/// The methods each documented path answers, read from the OpenAPI document the server serves,
/// so a known path asked with another method gets 405 and `Allow` (RFC 9110 §15.5.6), not 404.
struct AllowedMethods: Sendable {
    private let templates: [(segments: [Substring], methods: [String])]

    init(openAPI data: Data) {
        let paths = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["paths"] as? [String: Any] ?? [:]
        let verbs: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options"]
        templates = paths.compactMap { path, item in
            guard let item = item as? [String: Any] else { return nil }
            let methods = item.keys.filter { verbs.contains($0) }.map { $0.uppercased() }.sorted()
            return (path.split(separator: "/"), methods)
        }
    }

    /// The methods of the documented path `path` matches, or nil when none does.
    func methods(for path: String) -> [String]? {
        let segments = path.split(separator: "/")
        for t in templates where t.segments.count == segments.count {
            let matches = zip(t.segments, segments).allSatisfy { template, actual in
                template.hasPrefix("{") || template == actual
            }
            if matches { return t.methods }
        }
        return nil
    }
}

/// Turns the router's "no route" into 405 with `Allow` when the path exists under other methods.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: AllowedMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let methods = allowed.methods(for: request.uri.path), !methods.contains(request.method.rawValue)
            else { throw error }
            var refusal = APIError(
                .methodNotAllowed, "method_not_allowed",
                "\(request.uri.path) answers \(methods.joined(separator: ", ")), not \(request.method.rawValue)")
            refusal.headers[.allow] = methods.joined(separator: ", ")
            throw refusal
        }
    }
}

/// Cross-origin access for the origins an operator lists (`--allowed-origin`); none by default,
/// so browsers keep other sites from reading the API and, since JSON bodies need a preflight,
/// from writing to it.
struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>
    static var maxAgeS: Int { 600 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let origin = request.headers[.origin], origins.contains(origin) else {
            return try await next(request, context)
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: origin, .vary: "Origin",
                    .accessControlAllowMethods: "GET, POST, PUT, DELETE",
                    .accessControlAllowHeaders: "Authorization, Content-Type, If-Match",
                    .accessControlMaxAge: String(Self.maxAgeS),
                ])
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        return response
    }
}
