import ArgumentParser
import Clocks
import Envelopes
import Federation
import Foundation

/// `bitgoeul federation`: this city's signing keys, for its peers to pin (docs/federation.md).
struct FederationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federation", abstract: "Show this city's federation key for peers to pin, or rotate it.",
        subcommands: [Key.self, RotateKey.self])

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the [[peer]] entry other cities put in their peers file (makes the key if missing).")
        @Option(help: "Data directory holding federation-keys.json.") var data = "var"
        @Option(help: "This city's server id, e.g. gwangju.example.") var serverId: String
        @Option(help: "The URL peers reach this city at.") var url: String

        func run() throws {
            try FederationCommand.checkURL(url)
            let identity = try FederationCommand.identity(serverId, data: data)
            print(FederationCommand.peerEntry(identity, url: url))
        }
    }

    struct RotateKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new current key; the old one keeps verifying for --keep-days (peers pin the new one).")
        @Option(help: "Data directory holding federation-keys.json.") var data = "var"
        @Option(help: "This city's server id, e.g. gwangju.example.") var serverId: String
        @Option(help: "The URL peers reach this city at.") var url: String
        @Option(help: "Days the old key stays valid (0–365).") var keepDays = 30

        func run() throws {
            guard (0...365).contains(keepDays) else { throw ValidationError("--keep-days must be within 0...365") }
            try FederationCommand.checkURL(url)
            _ = try FederationCommand.identity(serverId, data: data)
            try ServerIdentity.rotate(
                folder: URL(fileURLWithPath: data), now: ServiceClock.system.now(), keepS: Int64(keepDays) * 86_400)
            let identity = try FederationCommand.identity(serverId, data: data)
            print("rotated: the old key verifies for \(keepDays) more days. Peers now pin:")
            print(FederationCommand.peerEntry(identity, url: url))
        }
    }

    static func checkURL(_ url: String) throws {
        guard let parts = URLComponents(string: url), ["http", "https"].contains(parts.scheme ?? ""),
            parts.host?.isEmpty == false
        else { throw ValidationError("--url must be http(s)://host[:port]") }
    }

    static func identity(_ serverId: String, data: String) throws -> ServerIdentity {
        do {
            return try ServerIdentity.load(
                id: serverId, name: serverId, folder: URL(fileURLWithPath: data), now: ServiceClock.system.now())
        } catch let error as FederationError {
            throw ValidationError(error.description)
        }
    }

    /// The peers-file entry for `identity`: every key still valid, the current one first.
    static func peerEntry(_ identity: ServerIdentity, url: String) -> String {
        let keys = identity.keys.map { "\"\(Base64URL.encode($0.publicKey))\"" }.joined(separator: ", ")
        return """
            [[peer]]
            id = "\(identity.id)"
            url = "\(url)"
            keys = [\(keys)]
            """
    }
}
