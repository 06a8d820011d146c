import FoundationEssentials
import GantryPostgresStore
import OpenAPIRuntime

extension APIService {
    func createToken(_ input: Operations.createToken.Input) async throws -> Operations.createToken.Output {
        guard case .json(let body) = input.body else { throw APIError(415, "unsupported_media_type", "send JSON") }
        let scopes = Set(body.scopes.map { APITokenScope(wire: $0) })
        let (secret, record) = try await dependencies.tokens.create(name: body.name, scopes: scopes)
        let t = Components.Schemas.Token(record)
        return .created(
            .init(
                body: .json(
                    .init(
                        token: secret.value, id: t.id, name: t.name, prefix: t.prefix, scopes: t.scopes,
                        created_at: t.created_at, last_used_at: t.last_used_at, revoked: t.revoked, revoked_at: t.revoked_at))))
    }

    func listTokens(_ input: Operations.listTokens.Input) async throws -> Operations.listTokens.Output {
        let tokens = try await dependencies.tokens.list().map(Components.Schemas.Token.init)
        return .ok(.init(body: .json(.init(tokens: tokens))))
    }

    func revokeToken(_ input: Operations.revokeToken.Input) async throws -> Operations.revokeToken.Output {
        guard try await dependencies.tokens.revoke(input.path.id) else {
            throw APIError(404, "not_found", "no live token with ID or prefix \(input.path.id)")
        }
        // This process forgets it at once; other API processes within their cache's TTL.
        tokenCache.removeAll()
        return .noContent(.init())
    }
}

extension Components.Schemas.Token {
    init(_ r: APITokenRecord) {
        self.init(
            id: r.id.uuidString.lowercased(), name: r.name, prefix: r.prefix,
            scopes: r.scopes.sorted().map { Components.Schemas.TokenScope(wire: $0) }, created_at: r.createdAt,
            last_used_at: r.lastUsedAt, revoked: r.isRevoked, revoked_at: r.revokedAt)
    }
}
