import Foundation
import Realtime
import Safety
import Storage
import Wire
import WorldModel

/// Arriving from another server of the cluster with a ticket, and being sent to one.
extension ConnectionStateMachine {
    /// `handoff` instead of `hello`: the ticket names who arrives, and where.
    mutating func handoff(version: UInt16, ticket: String) -> [Action] {
        guard version == WireFormat.version else {
            let reason = "protocol version \(version) is not supported; this server speaks \(WireFormat.version)"
            return [.close(code: CloseCode.versionUnsupported, reason: reason)]
        }
        guard let handoffs = environment.handoffs else {
            return [.close(code: CloseCode.ticketRefused, reason: "this server accepts no handoff tickets")]
        }
        switch handoffs.verify(ticket) {
        case .failure(let refusal):
            return [.close(code: CloseCode.ticketRefused, reason: refusal.description)]
        case .success(let claims):
            guard environment.directory[claims.space] != nil else {
                return [.close(code: CloseCode.ticketRefused, reason: "the ticket names no space of this server")]
            }
            state = .greeting
            pending = .redeeming(claims)
            // Kept a minute past its expiry (more than the 10 s of clock skew a ticket is accepted
            // with), so it cannot be used again while any node would still take it.
            let keptUntil = Date(timeIntervalSince1970: Double(claims.exp + 60))
            return ask(.redeemTicket(id: claims.jti, expiresAt: keptUntil))
        }
    }

    mutating func ticketRedeemed(_ claims: HandoffClaims, fresh: Bool) -> [Action] {
        guard fresh else {
            return [.close(code: CloseCode.ticketRefused, reason: "the ticket was used before")]
        }
        guard let account = claims.account else {
            // A guest: the name and look travel in the ticket.
            let who = Identity(account: nil, party: SafetyBoard.newGuestParty())
            environment.board.attach(who.party, rules: nil)
            state = .ready(who)
            let walker = Walker(
                accountId: nil, personaId: nil, name: claims.guestName ?? "Guest",
                appearance: claims.appearance ?? .standard, party: who.party)
            return [welcomeMessage(guest: true)] + arrive(claims, as: walker, createdAt: nil, who: who)
        }
        if let refusal = refusalAtConnectionLimit(account) { return refusal }
        pending = .handoffAccount(claims)
        return ask(.loadAccount(account))
    }

    mutating func handedOver(_ claims: HandoffClaims, rules: PartyRules, roles: [String: SpaceRole]) -> [Action] {
        guard let account = claims.account, let persona = claims.persona else {
            return [.close(code: CloseCode.ticketRefused, reason: "the ticket names an account but no persona")]
        }
        let who = Identity(account: account, party: account)
        var rules = rules
        rules.setRoles(roles)
        environment.board.attach(who.party, rules: rules)
        state = .entering(who)
        // The persona is looked up again here: it may have been renamed or deleted meanwhile.
        pending = .loadingPersona(id: persona, space: environment.directory[claims.space]!)
        arrivingBoundary = BoundaryMode(rawValue: claims.boundary) ?? .nonFriends
        boundary = arrivingBoundary ?? boundary
        return [welcomeMessage(guest: false), .watch(account: account)] + ask(.loadPersona(id: persona))
    }

    /// Enters the ticket's space, with the boundary setting it carried.
    private mutating func arrive(_ claims: HandoffClaims, as walker: Walker, createdAt: Date?, who: Identity)
        -> [Action]
    {
        guard let handle = environment.directory[claims.space] else { return [] }
        arrivingBoundary = BoundaryMode(rawValue: claims.boundary) ?? .nonFriends
        boundary = arrivingBoundary ?? boundary
        return enter(handle, as: walker, createdAt: createdAt, who: who)
    }

    func welcomeMessage(guest: Bool) -> Action {
        .send(.welcome(version: WireFormat.version, tickHz: UInt8(environment.realtime.tickHz), guest: guest))
    }

    /// Joining a space another node serves: a `redirect` there with a ticket, or, while the space is
    /// between nodes, an error to try again.
    mutating func redirect(to handle: SpaceHandle, as walker: Walker, who: Identity) -> [Action] {
        state = .ready(who)
        guard walker.home == nil else {
            // A handoff ticket names accounts and personas of this city, which a visitor has not.
            return reply(
                .spaceMoving, "'\(handle.id)' runs on another server of this city: travel there from your home city")
        }
        let passenger = HandoffPassenger(walker: walker, boundary: arrivingBoundary ?? boundary)
        guard let redirect = environment.handoffs?.redirect(to: handle.id, carrying: passenger) else {
            return reply(.spaceMoving, "'\(handle.id)' is moving between servers; try again in a moment")
        }
        return [.send(.redirect(url: redirect.url, ticket: redirect.ticket, space: redirect.space))]
    }
}
