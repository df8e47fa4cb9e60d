import ArgumentParser

/// The `bitgoeul` command: serve the world, benchmark the tick, load it with bots.
@main
struct Bitgoeul: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bitgoeul",
        abstract: "Bitgoeul (빛고을): an open city metaverse server for Gwangju's mirror world.",
        subcommands: [
            Serve.self, Bench.self, Bots.self, GeoCommand.self, ImportCommand.self, RoleCommand.self,
            SimulateCommand.self, DocentCommand.self, AuditCommand.self, VaultCommand.self, SolarCommand.self,
            BackupCommand.self, RestoreCommand.self, FederationCommand.self,
        ],
        defaultSubcommand: Serve.self)
}
