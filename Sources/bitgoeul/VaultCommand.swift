import ArgumentParser
import Foundation
import Privacy

/// `bitgoeul vault`: seal or open a life-log vault with the Swift SDK's code, on your own machine
/// (the passphrase comes from a file or $BITGOEUL_VAULT_PASSPHRASE, never from the command line).
struct VaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault", abstract: "Seal or open a life-log vault envelope locally.",
        subcommands: [Seal.self, Open.self])

    struct Options: ParsableArguments {
        @Option(help: "File whose first line is the passphrase (else $BITGOEUL_VAULT_PASSPHRASE).")
        var passphraseFile: String?
        @Option(name: .customLong("in"), help: "Input file (- for standard input).") var input = "-"

        func passphrase() throws -> String {
            if let file = passphraseFile {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            }
            guard let value = ProcessInfo.processInfo.environment["BITGOEUL_VAULT_PASSPHRASE"], !value.isEmpty else {
                throw ValidationError("give --passphrase-file or set BITGOEUL_VAULT_PASSPHRASE")
            }
            return value
        }

        func read() throws -> Data {
            let data =
                input == "-"
                ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: input))
            guard data.count <= 4 << 20 else { throw ValidationError("the input is over 4 MiB") }
            return data
        }
    }

    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Seal a plaintext life log; prints the envelope.")
        @OptionGroup var options: Options

        func run() throws {
            let envelope = try LifelogVault.seal(Array(try options.read()), passphrase: try options.passphrase())
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(envelope), as: UTF8.self))
        }
    }

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open an envelope; prints the life log.")
        @OptionGroup var options: Options

        func run() throws {
            let envelope: VaultEnvelope
            do {
                envelope = try JSONDecoder().decode(VaultEnvelope.self, from: try options.read())
            } catch {
                throw ValidationError("not a vault envelope: \(error)")
            }
            do {
                print(
                    String(
                        decoding: try LifelogVault.open(envelope, passphrase: try options.passphrase()), as: UTF8.self))
            } catch let failure as LifelogVault.Failure {
                print("error: \(failure)")
                throw ExitCode(1)
            }
        }
    }
}
