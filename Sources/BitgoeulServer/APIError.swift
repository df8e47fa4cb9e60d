import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WorldModel

/// An HTTP API failure: status, a stable snake_case code and a message a person can act on.
///
/// Rendered as `{"error": {"code": "...", "message": "..."}}`.
public struct APIError: Error, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
    static func invalid(_ field: String, _ reason: String) -> APIError {
        APIError(.unprocessableContent, "invalid_field", "\(field): \(reason)")
    }
    static let unauthorized = APIError(.unauthorized, "unauthorized", "sign in: send 'Authorization: Bearer <token>'")
    static let busy = APIError(.serviceUnavailable, "busy", "the server is busy; try again in a moment")

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    func response() -> Response {
        JSON.response(Body(error: .init(code: code, message: message)), status: status)
    }
}

/// Turns every error a handler throws into the JSON error shape, with no internals leaked.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as HTTPError {
            let code: String
            switch error.status {
            case .notFound: code = "not_found"
            case .methodNotAllowed: code = "method_not_allowed"
            case .contentTooLarge: code = "too_large"
            case .badRequest: code = "bad_request"
            default: code = error.status.code >= 500 ? "internal" : "http_\(error.status.code)"
            }
            let message = error.body ?? error.status.reasonPhrase
            return APIError(error.status, code, message).response()
        } catch {
            context.logger.error("unhandled error", metadata: ["type": "\(type(of: error))"])
            return APIError(.internalServerError, "internal", "something went wrong on the server").response()
        }
    }
}

/// JSON in and out with one configured encoder and decoder.
enum JSON {
    static let bodyBytesMax = 64 * 1024

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a request body of at most `bodyBytesMax` bytes, with field-level error messages.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = bodyBytesMax) async throws
        -> T
    {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "this request body is at most \(limit) bytes")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.invalid(error.fieldPath == "(document)" ? "body" : error.fieldPath, error.reason)
        } catch {
            throw APIError.badRequest("the body is not valid JSON")
        }
    }
}
