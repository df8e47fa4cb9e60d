/// Why a frame or message could not be decoded; the connection replies with an `error` and carries on.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case truncated
        case unknownType(UInt8)
        case invalidValue
        case tooLong
        case trailingBytes
    }

    public var kind: Kind
    /// Which field, e.g. `move.x`.
    public var field: String
    public var reason: String

    public init(_ kind: Kind, field: String, reason: String) {
        self.kind = kind
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }

    /// The `error` code a server sends back for this failure.
    public var errorCode: ErrorCode {
        switch kind {
        case .unknownType: .unknownType
        case .invalidValue: .invalidValue
        case .tooLong: .textTooLong
        case .truncated, .trailingBytes: .badMessage
        }
    }
}
