import ArgumentParser
import DataBackup
import Foundation

/// `bitgoeul backup`: an online, consistent copy of a data directory in one tar file.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract:
            "Back up a data directory while the server runs: a database snapshot, the keys and results, in one tar.")

    @Option(help: "The data directory (as given to serve --data).") var data = "var"
    @Option(help: "The backup file to write (replaced atomically).") var out: String

    func run() throws {
        let manifest: DataBackup.Manifest
        do {
            manifest = try DataBackup.create(
                dataDirectory: URL(fileURLWithPath: data), out: URL(fileURLWithPath: out), now: Date())
        } catch let error as ArchiveError {
            throw ValidationError(error.reason)
        }
        let bytes = manifest.files.reduce(0) { $0 + $1.bytes }
        print("backed up \(manifest.files.count) files (\(bytes) bytes) to \(out)")
    }
}

/// `bitgoeul restore`: a backup into a new data directory, every byte checked first.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into a new (or empty) data directory, checking every file and the database.")

    @Option(name: .customLong("from"), help: "The backup file (from bitgoeul backup).") var archive: String
    @Option(help: "The data directory to create; it must not exist or be empty.") var data: String

    func run() throws {
        let manifest: DataBackup.Manifest
        do {
            manifest = try DataBackup.restore(from: URL(fileURLWithPath: archive), into: URL(fileURLWithPath: data))
        } catch let error as ArchiveError {
            throw ValidationError(error.reason)
        }
        print("restored \(manifest.files.count) files of the backup taken \(manifest.createdAt) into \(data)")
    }
}
