import ArgumentParser
import BitgoeulServer
import Foundation
import Privacy
import Storage

/// `bitgoeul audit`: check the transparency log, and look accounts up the only way operators may —
/// on the record, in that log, where the person sees it.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify the transparency log, or look up an account on the record.",
        subcommands: [Verify.self, Lookup.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry, signed tree head and consistency proof of the transparency log.")
        @OptionGroup var storage: StoreOptions

        func run() async throws {
            let (store, log) = try await open(storage)
            let report = try await log.audit()
            await StoreOptions.close(store)
            print(report)
            if !report.ok { throw ExitCode(1) }
        }
    }

    struct Lookup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show (or with --out export) what is stored about an account; the look is logged for them.")
        @OptionGroup var storage: StoreOptions
        @Option(help: "A persona name of the account.") var persona: String
        @Option(help: "Why: a case or warrant number (no names); the person reads it.") var purpose: String
        @Option(help: "Write the full export here, for an authority (logged as an authority export).")
        var out: String?

        func run() async throws {
            let why = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (3...200).contains(why.count) else { throw ValidationError("--purpose needs 3 to 200 characters") }
            let (store, log) = try await open(storage)
            guard let account = try await store.accountId(personaName: persona) else {
                throw ValidationError("no persona named '\(persona)'")
            }
            guard let export = try await PersonalExport.make(account: account, store: store, now: Date()) else {
                throw ValidationError("the account is gone")
            }
            // Logged before anything is shown, so no look escapes the record.
            let index = try await log.record(
                out == nil ? .accountLookup : .authorityExport, subject: account, actor: nil, role: "operator",
                purpose: why, now: Date())
            if let out {
                try Data(export.json()).write(to: URL(fileURLWithPath: out), options: .atomic)
                print("exported to \(out); logged as transparency entry \(index)")
            } else {
                print(String(decoding: export.json(), as: UTF8.self))
                print("logged as transparency entry \(index)")
            }
        }
    }

    static func open(_ storage: StoreOptions) async throws -> (any Store, AccessLog) {
        let store = try await storage.open(mustExist: true)
        return (store, AccessLog(store: store, key: try AccessLog.loadKey(dataDirectory: storage.dataDirectory)))
    }
}
