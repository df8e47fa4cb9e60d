import ArgumentParser
import Cluster
import Foundation
import Logging
import Storage

/// `bitgoeul role`: gives an account a role in a space, so an operator can appoint the first
/// owners and moderators (owners then appoint others through the API).
struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role", abstract: "Give an account a role in a space (owner, moderator, docent, visitor).")

    @OptionGroup var storage: StoreOptions
    @Option(help: "The account's username.") var username: String
    @Option(help: "A space id such as gwangju/gmap, or * for every space.") var space: String
    @Option(help: "owner, moderator, docent, or visitor (removes the role).") var role: String

    func run() async throws {
        guard let role = SpaceRole(rawValue: role) else {
            throw ValidationError("--role is one of \(SpaceRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard space == "*" || (space.contains("/") && space.utf8.count <= 96) else {
            throw ValidationError("--space is a space id like gwangju/gmap, or *")
        }
        let store = try await storage.open(mustExist: true)
        guard let (account, _) = try await store.account(username: username) else {
            throw ValidationError("no account named '\(username)'")
        }
        try await store.setRole(account: account.id, space: space, role: role)
        // On a cluster's database, tell the nodes: the role counts at once wherever the person is.
        var told = ""
        if let channel = store as? any EventChannel {
            let events = ClusterEvents(
                me: ClusterEvents.consoleOrigin, channel: channel, logger: Logger(label: "bitgoeul.role"))
            do {
                try await events.publish(.rules(accounts: [account.id]))
                told = " (the nodes were told)"
            } catch {
                told = " (the nodes could not be told: it counts from the next connection)"
            }
        }
        await StoreOptions.close(store)
        print("\(username) is now \(role.rawValue) in \(space)\(told)")
    }
}
