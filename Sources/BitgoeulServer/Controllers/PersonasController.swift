import Cluster
import Foundation
import Hummingbird
import Missions
import Storage
import WorldModel

/// Personas (부캐): the public pseudonyms of the signed-in account, at most five.
struct PersonasController {
    let services: Services

    struct PersonaInput: Decodable {
        let name: String
        let appearance: Appearance?
    }

    struct PersonaList: Encodable {
        let personas: [Persona]
        let max: Int
    }

    var endpoints: RouteCollection<BitgoeulRequestContext> {
        RouteCollection(context: BitgoeulRequestContext.self)
            .get("/api/v1/personas", use: list)
            .post("/api/v1/personas", use: create)
            .put("/api/v1/personas/{id}", use: update)
            .delete("/api/v1/personas/{id}", use: delete)
    }

    @Sendable func list(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let personas = try await services.store.personas(accountId: account)
        return JSON.response(PersonaList(personas: personas, max: services.config.personasPerAccountMax))
    }

    @Sendable func create(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let (name, appearance) = try Self.validate(try await request.decode(as: PersonaInput.self, context: context))
        if appearance.accessory.isReward { throw Self.notEarned(appearance.accessory) }
        do {
            let persona = try await services.store.createPersona(
                accountId: account, name: name, appearance: appearance,
                maxPerAccount: services.config.personasPerAccountMax, now: services.now())
            return JSON.response(persona, status: .created)
        } catch let error as StoreError {
            throw Self.map(error)
        }
    }

    @Sendable func update(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let id = try Self.personaId(context)
        let (name, appearance) = try Self.validate(try await request.decode(as: PersonaInput.self, context: context))
        if appearance.accessory.isReward {
            // Only the persona's own completed missions unlock a reward (another persona's stamps do not).
            guard let found = try await services.store.persona(id: id), found.accountId == account else {
                throw Self.map(StoreError(.notFound, "no such persona"))
            }
            let stamps = try await services.store.stamps(persona: id)
            let earned = services.missions.rewards(earnedBy: MissionsController.byMission(stamps))
            guard earned.contains(appearance.accessory.name) else { throw Self.notEarned(appearance.accessory) }
        }
        do {
            let persona = try await services.store.updatePersona(
                accountId: account, personaId: id, name: name, appearance: appearance)
            return JSON.response(persona)
        } catch let error as StoreError {
            throw Self.map(error)
        }
    }

    @Sendable func delete(_ request: Request, context: BitgoeulRequestContext) async throws -> Response {
        let account = try await services.requireAccount(request)
        let id = try Self.personaId(context)
        do {
            try await services.store.deletePersona(accountId: account, personaId: id)
        } catch let error as StoreError {
            throw Self.map(error)
        }
        services.missions.withDesk { $0.forget(personas: [id], account: account) }
        // A persona walking somewhere (on any node) leaves its space now.
        await services.everywhere(.personaDeleted(account: account, persona: id))
        return Response(status: .noContent)
    }

    static func personaId(_ context: BitgoeulRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(.notFound, "not_found", "no such persona")
        }
        return id
    }

    static func validate(_ input: PersonaInput) throws -> (String, Appearance) {
        do {
            let name = try PersonaName.validate(input.name)
            let appearance = try (input.appearance ?? .standard).validated()
            return (name, appearance)
        } catch {
            throw APIError.invalid(error.field, error.reason)
        }
    }

    static func notEarned(_ accessory: Accessory) -> APIError {
        APIError.invalid(
            "appearance.accessory",
            "'\(accessory.name)' is earned by completing a mission that gives it, as this persona")
    }

    static func map(_ error: StoreError) -> APIError {
        switch error.code {
        case .conflict: APIError(.conflict, "name_taken", "that persona name is taken; choose another")
        case .limit: APIError(.conflict, "persona_limit", error.message)
        case .notFound: APIError(.notFound, "not_found", "no such persona on this account")
        case .unavailable: APIError(.serviceUnavailable, "database_unavailable", error.message)
        }
    }
}
