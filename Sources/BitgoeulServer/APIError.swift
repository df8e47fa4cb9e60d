import Accounts
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

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
        }
        let error: Detail
    }

    func response() -> Response {
        var response = JSON.response(Body(error: .init(code: code, message: message)), status: status)
        response.headers.append(contentsOf: headers)
        return response
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
        } catch is PasswordHasher.Busy {
            return APIError.busy.response()
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
    ///
    /// The body must be declared `application/json` (415 otherwise: a plain HTML form, which a
    /// browser sends cross-site without asking, cannot register or sign anyone in) and be UTF-8.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = bodyBytesMax) async throws
        -> T
    {
        try requireMediaType(request, "application/json")
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "too_large", "this request body is at most \(limit) bytes")
        }
        // UTF-16 and UTF-32 JSON carry NUL bytes (or a BOM that is not UTF-8); JSON text never does.
        guard !buffer.readableBytesView.contains(0),
            String(validating: buffer.readableBytesView, as: UTF8.self) != nil
        else {
            throw APIError.badRequest("the body must be JSON in UTF-8")
        }
        let data = Data(buffer.readableBytesView)
        // No request body of this API takes null: an explicit null is refused, not read as "absent".
        if let path = firstNull(in: try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) {
            throw APIError.invalid(path.isEmpty ? "body" : path, "null is not a value here; leave the field out")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError.invalid(error.fieldPath == "(document)" ? "body" : error.fieldPath, error.reason)
        } catch {
            throw APIError.badRequest("the body is not valid JSON")
        }
    }
}

/// The path (`a.b[2]`) of the first null in a parsed JSON value, or nil when it has none.
func firstNull(in value: Any?, path: String = "") -> String? {
    switch value {
    case is NSNull:
        return path
    case let object as [String: Any]:
        for key in object.keys.sorted() {
            if let found = firstNull(in: object[key], path: path.isEmpty ? key : "\(path).\(key)") { return found }
        }
    case let array as [Any]:
        for (i, item) in array.enumerated() {
            if let found = firstNull(in: item, path: "\(path)[\(i)]") { return found }
        }
    default:
        break
    }
    return nil
}

/// Refuses a request body whose `Content-Type` is not `type` (parameters allowed; a charset must be UTF-8).
func requireMediaType(_ request: Request, _ type: String) throws {
    let unsupported = APIError(
        .unsupportedMediaType, "unsupported_media_type", "send this body with 'Content-Type: \(type)' in UTF-8")
    guard let header = request.headers[.contentType] else { throw unsupported }
    let parts = header.split(separator: ";")
    guard let first = parts.first, String(first).trimmingWhitespace().lowercased() == type else { throw unsupported }
    for parameter in parts.dropFirst() {
        let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0).trimmingWhitespace().lowercased() }
        if pair.count == 2, pair[0] == "charset", pair[1].trimmingCharacters(in: ["\""]) != "utf-8" {
            throw unsupported
        }
    }
}
