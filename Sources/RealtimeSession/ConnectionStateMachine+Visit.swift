import Accounts
import Clocks
import Foundation
import Realtime
import Safety
import Storage
import Wire
import WorldModel

/// Arriving from another city with a travel ticket (docs/federation.md): the visitor is known here
/// by the pseudonym their home made for this city, and bound by this city's rules like anyone else.
extension ConnectionStateMachine {
    /// `visit` instead of `hello`.
    mutating func visit(version: UInt16, ticket: String) -> [Action] {
        guard version == WireFormat.version else {
            let reason = "protocol version \(version) is not supported; this server speaks \(WireFormat.version)"
            return [.close(code: CloseCode.versionUnsupported, reason: reason)]
        }
        guard let desk = environment.travel else {
            return [.close(code: CloseCode.travelRefused, reason: "this city federates with no other city")]
        }
        switch desk.admit(ticket) {
        case .failure(let refusal):
            return [.close(code: CloseCode.travelRefused, reason: refusal.description)]
        case .success(let pass):
            guard environment.directory[pass.space] != nil else {
                return [.close(code: CloseCode.travelRefused, reason: "the ticket names no space of this city")]
            }
            guard (try? PersonaName.validate(pass.name)) != nil else {
                return [.close(code: CloseCode.travelRefused, reason: "the ticket's persona name is not valid here")]
            }
            state = .greeting
            guard environment.handoffs != nil else { return lookUp(pass) }
            // In a cluster each node remembers the tickets it took; the database makes it once for all.
            pending = .redeemingTravel(pass)
            return ask(.redeemTicket(id: "travel-\(pass.nonce)", expiresAt: pass.expiresAt + 60))
        }
    }

    mutating func lookUp(_ pass: VisitorPass) -> [Action] {
        pending = .visitorAccount(pass)
        return ask(.visitorAccount(city: pass.city, pseudonym: pass.pseudonym, now: environment.clock.now()))
    }

    mutating func visitorFound(_ pass: VisitorPass, account: Int64) -> [Action] {
        if let refusal = refusalAtConnectionLimit(account) { return refusal }
        pending = .visitorRules(pass, account: account)
        return ask(.loadAccount(account))
    }

    /// Refused when this city's moderators barred the visitor from the ticket's space (a ban or
    /// suspension bars every space); otherwise in, marked with their home city's name.
    mutating func visitorLoaded(_ pass: VisitorPass, account: Int64, rules: PartyRules, roles: [String: SpaceRole])
        -> [Action]
    {
        guard let handle = environment.directory[pass.space] else { return [] }
        var rules = rules
        rules.setRoles(roles)
        if let until = rules.barred(from: pass.space, now: environment.clock.now()) {
            let when = until == .distantFuture ? "for good" : "until \(until) (UTC)"
            let reason = "a moderator of this city barred you from '\(pass.space)' \(when)"
            return [.close(code: CloseCode.travelRefused, reason: reason)]
        }
        let who = Identity(account: account, party: account)
        environment.board.attach(account, rules: rules)
        environment.board.visit(
            account, key: "\(pass.city)/\(pass.pseudonym)", blocks: Set(pass.blocks.map { "\(pass.city)/\($0)" }))
        state = .ready(who)
        let walker = Walker(
            accountId: account, personaId: nil, name: pass.name, appearance: pass.appearance, party: account,
            home: pass.cityName)
        visitor = walker
        let told: [Action] = [
            welcomeMessage(guest: false),
            .send(.visiting(home: pass.city, homeName: pass.cityName, homeUrl: pass.cityURL)),
            .watch(account: account),
        ]
        return told + enter(handle, as: walker, createdAt: nil, who: who)
    }
}
