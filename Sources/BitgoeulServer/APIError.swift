import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Storage

/// An HTTP API failure: status, a stable snake_case code and a message a person can act on.
///
/// It renders itself (Hummingbird's `HTTPResponseError`) as `{"error": {"code": "...", "message": "..."}}`,
/// with `headers` such as `Retry-After`.
public struct APIError: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// Sent with the error, e.g. `Retry-After`.
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// 429 with `Retry-After` in whole seconds.
    static func tooMany(_ code: String, _ message: String, retryAfterS: Double) -> APIError {
        var error = APIError(.tooManyRequests, code, message)
        error.headers[.retryAfter] = String(Int(retryAfterS.rounded(.up)))
        return error
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
    static func invalid(_ field: String, _ reason: String) -> APIError {
        APIError(.unprocessableContent, "invalid_field", "\(field): \(reason)")
    }
    static let unauthorized = APIError(.unauthorized, "unauthorized", "sign in: send 'Authorization: Bearer <token>'")
    static let busy = APIError(.serviceUnavailable, "busy", "the server is busy; try again in a moment")
    /// What any error that is not an API error becomes: nothing of the server's internals.
    static let internalError = APIError(.internalServerError, "internal", "something went wrong on the server")

    /// One of Hummingbird's own errors (no route, a malformed request) in this shape, with a code for its status.
    init(_ error: HTTPError) {
        let code: String
        switch error.status {
        case .notFound: code = "not_found"
        case .methodNotAllowed: code = "method_not_allowed"
        case .contentTooLarge: code = "too_large"
        case .badRequest: code = "bad_request"
        default: code = error.status.code >= 500 ? "internal" : "http_\(error.status.code)"
        }
        self.init(error.status, code, error.body ?? error.status.reasonPhrase)
    }

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = JSON.response(Body(error: .init(code: code, message: message)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

/// Renders whatever escapes a handler in the API's error shape, inside the CORS and HSTS middleware
/// so that error answers carry their headers too: an `APIError` renders itself, Hummingbird's
/// `HTTPError` (no route, a malformed request) gets a code, and anything else is a 500 that names
/// no internals.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            return try APIError(error).response(from: request, context: context)
        } catch let error as StoreError where error.code == .unavailable {
            context.logger.warning("the database is unavailable", metadata: ["reason": "\(error.message)"])
            var busy = APIError(.serviceUnavailable, "database_unavailable", "the database is not answering; try again")
            busy.headers[.retryAfter] = "5"
            return try busy.response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["type": "\(type(of: error))"])
            return try APIError.internalError.response(from: request, context: context)
        }
    }
}
