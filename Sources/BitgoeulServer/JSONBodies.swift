import Foundation
import Hummingbird
import NIOCore
import WorldModel

/// JSON out, with one configured encoder.
enum JSON {
    /// The largest JSON request body a route takes unless it allows more (see `BitgoeulRequestContext`).
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
}

/// The request decoder behind `request.decode(as:context:)`: a body of at most the context's
/// `maxUploadSize` bytes, with field-level error messages.
///
/// The body must be declared `application/json` (415 otherwise: a plain HTML form, which a browser
/// sends cross-site without asking, cannot register or sign anyone in) and be UTF-8 (400). No
/// request body of this API takes null: an explicit null is refused (422), not read as "absent".
/// Every failure is thrown as an `APIError`, so Hummingbird's own decoding messages never show.
public struct JSONBodyDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext)
        async throws -> T
    {
        try requireMediaType(request, "application/json")
        let limit = context.maxUploadSize
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
