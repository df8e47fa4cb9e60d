import Accounts
import Clocks
import Foundation
import NIOCore
import Realtime
import Safety
import Storage
import Wire
import WorldModel

/// Hello, and entering a space as a persona or a guest.
extension ConnectionStateMachine {
    mutating func hello(version: UInt16, token: String) -> [Action] {
        guard version == WireFormat.version else {
            let reason = "protocol version \(version) is not supported; this server speaks \(WireFormat.version)"
            return [.close(code: CloseCode.versionUnsupported, reason: reason)]
        }
        state = .greeting
        guard token.isEmpty else {
            pending = .authenticating
            return ask(.authenticate(token: token))
        }
        return welcome(Identity(account: nil, party: SafetyBoard.newGuestParty()), rules: nil)
    }

    mutating func authenticated(_ account: Int64?) -> [Action] {
        guard let account else {
            return [.close(code: CloseCode.unauthorized, reason: "invalid or expired session token; sign in again")]
        }
        if let refusal = refusalAtConnectionLimit(account) { return refusal }
        pending = .loadingAccount(account)
        return ask(.loadAccount(account))
    }

    mutating func accountLoaded(_ account: Int64, rules: PartyRules, roles: [String: SpaceRole]) -> [Action] {
        // Roles live in the party's rules, so a role given later reaches the avatar as a rule change.
        var rules = rules
        rules.setRoles(roles)
        return welcome(Identity(account: account, party: account), rules: rules) + [.watch(account: account)]
    }

    /// The close for an account at its limit of open connections, or nil below it.
    func refusalAtConnectionLimit(_ account: Int64) -> [Action]? {
        let most = environment.connectionsPerAccountMax
        guard environment.board.connections(of: account) >= most else { return nil }
        return [.close(code: CloseCode.policyViolation, reason: "this account has \(most) connections open already")]
    }

    private mutating func welcome(_ who: Identity, rules: PartyRules?) -> [Action] {
        environment.board.attach(who.party, rules: rules)
        state = .ready(who)
        return [welcomeMessage(guest: who.account == nil)]
    }

    mutating func join(space id: String, personaId: Int64, as who: Identity) -> [Action] {
        guard let handle = environment.directory[id] else { return reply(.unknownSpace, "no space '\(id)'") }
        if let visitor { return enter(handle, as: visitor, createdAt: nil, who: who) }
        guard who.account != nil else {
            return reply(.unknownPersona, "guests have no personas: sign in, or use joinGuest")
        }
        state = .entering(who)
        pending = .loadingPersona(id: personaId, space: handle)
        return ask(.loadPersona(id: personaId))
    }

    mutating func personaLoaded(
        _ found: (accountId: Int64, persona: Persona, createdAt: Date)?, id personaId: Int64, space handle: SpaceHandle
    ) -> [Action] {
        guard case .entering(let who) = state, let account = who.account else { return [] }
        guard let found, found.accountId == account else {
            state = .ready(who)
            return reply(.unknownPersona, "persona \(personaId) is not one of yours")
        }
        let walker = Walker(
            accountId: account, personaId: personaId, name: found.persona.name, appearance: found.persona.appearance,
            party: who.party)
        if let wait = environment.personaSwitch.delay(account: account, persona: personaId) {
            // Another persona of this account just left: enter a little later, at a random moment.
            pending = .delayedEntry(handle, walker, createdAt: found.createdAt)
            return ask(.wait(seconds: wait))
        }
        return enter(handle, as: walker, createdAt: found.createdAt, who: who)
    }

    mutating func joinGuest(space id: String, name: String, appearance: Appearance, as who: Identity) -> [Action] {
        guard let handle = environment.directory[id] else { return reply(.unknownSpace, "no space '\(id)'") }
        // A visitor keeps their name and their home's mark in every space.
        if let visitor { return enter(handle, as: visitor, createdAt: nil, who: who) }
        guard handle.space.allowGuests || who.account != nil else {
            return reply(.guestsNotAllowed, "'\(id)' is for signed-in visitors")
        }
        let valid: String
        do {
            valid = try PersonaName.validate(name)
        } catch {
            return reply(.badName, error.reason)
        }
        // A mission's reward is worn only by a persona that earned it; a guest wears none.
        var look = appearance
        if look.accessory.isReward { look.accessory = .none }
        let walker = Walker(accountId: who.account, personaId: nil, name: valid, appearance: look, party: who.party)
        return enter(handle, as: walker, createdAt: nil, who: who)
    }

    /// Puts the walker into the space, unless barred or full; the connection is then joined.
    mutating func enter(_ handle: SpaceHandle, as walker: Walker, createdAt: Date?, who: Identity) -> [Action] {
        state = .ready(who)
        if let until = environment.board.rules(who.party).barred(from: handle.id, now: environment.clock.now()) {
            return reply(.sanctioned, "a moderator barred you from '\(handle.id)' until \(until) (UTC)")
        }
        guard handle.isServed else { return redirect(to: handle, as: walker, who: who) }
        let rt = environment.realtime
        let link: ClientLink
        var actions: [Action] = []
        if let outlet {
            link = ClientLink(
                walker: walker, sink: .outlet(outlet), commandsMax: rt.commandsPerTickMax,
                framesMax: rt.outboxFramesMax)
        } else {
            let stream: AsyncStream<ByteBuffer>
            (link, stream) = ClientLink.makeStreaming(
                walker: walker, framesMax: rt.outboxFramesMax, commandsMax: rt.commandsPerTickMax)
            actions.append(.startWriter(stream))
        }
        guard handle.admit(link) else {
            link.close()
            if !handle.isServed { return redirect(to: handle, as: walker, who: who) }
            return reply(.spaceFull, "'\(handle.id)' is full (\(handle.space.capacity) people); try another space")
        }
        state = .joined(who, Presence(link: link, personaCreatedAt: createdAt))
        if let boundary = arrivingBoundary {
            arrivingBoundary = nil
            _ = link.post(command: .setBoundary(boundary))
        }
        moves.walk(in: link)
        return actions
    }
}
