import ArgumentParser
import BitgoeulServer
import Foundation
import Privacy
import Storage
import StorageSQLite

/// `bitgoeul audit`: check the transparency log, and look accounts up the only way operators may —
/// on the record, in that log, where the person sees it.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify the transparency log, or look up an account on the record.",
        subcommands: [Verify.self, Lookup.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry, signed tree head and consistency proof of the transparency log.")
        @Option(help: "Data directory holding bitgoeul.sqlite and the server's key.") var data = "var"

        func run() async throws {
            let (store, log) = try open(data)
            _ = store
            let report = try await log.audit()
            print(report)
            if !report.ok { throw ExitCode(1) }
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show (or with --out export) what is stored about an account; the look is logged for them.")
        @Option(help: "Data directory holding bitgoeul.sqlite and the server's key.") var data = "var"
        @Option(help: "A persona name of the account.") var persona: String
        @Option(help: "Why: a case or warrant number (no names); the person reads it.") var purpose: String
        @Option(help: "Write the full export here, for an authority (logged as an authority export).")
        var out: String?

        func run() async throws {
            let why = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (3...200).contains(why.count) else { throw ValidationError("--purpose needs 3 to 200 characters") }
            let (store, log) = try open(data)
            guard let account = try await store.accountId(personaName: persona) else {
                throw ValidationError("no persona named '\(persona)'")
            }
            guard let export = try await PersonalExport.make(account: account, store: store, now: Date()) else {
                throw ValidationError("the account is gone")
            }
            // Logged before anything is shown, so no look escapes the record.
            let index = try await log.record(
                out == nil ? .accountLookup : .authorityExport, subject: account, actor: nil, role: "operator",
                purpose: why)
            if let out {
                try Data(export.json()).write(to: URL(fileURLWithPath: out), options: .atomic)
                print("exported to \(out); logged as transparency entry \(index)")
            } else {
                print(String(decoding: export.json(), as: UTF8.self))
                print("logged as transparency entry \(index)")
            }
        }
    }

    static func open(_ data: String) throws -> (SQLiteStore, AccessLog) {
        let dir = URL(fileURLWithPath: data)
        let path = dir.appendingPathComponent("bitgoeul.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path): start the server once with --data \(data)")
        }
        let store = try SQLiteStore(path: path)
        return (store, AccessLog(store: store, key: try AccessLog.loadKey(dataDirectory: dir)))
    }
}
