import Realtime
import Storage

extension PartyRules {
    /// Takes the spaces moderated and guided from an account's roles (moderators and owners
    /// moderate; docents and up guide).
    public mutating func setRoles(_ roles: [String: SpaceRole]) {
        moderatedSpaces = Set(roles.filter { $0.value >= .moderator }.keys)
        guidedSpaces = Set(roles.filter { $0.value >= .docent }.keys)
    }
}
