import GantryPostgres

extension GantrySchema {
    /// Migration 9: the producer API's bearer tokens.
    ///
    /// - Only the SHA-256 of a token is stored (`token_hash`, hex): a token is 256 random bits, so a
    ///   fast hash is enough (no dictionary to attack), and a stolen table opens nothing.
    /// - `prefix` keeps the token's first characters, so `gantry tokens list` can show which is which.
    /// - Scopes are a comma-separated subset of submit, read and admin, checked by the table.
    /// - A revoked token keeps its row (`revoked_at`), so the list shows what was revoked and when.
    static let apiTokens = Migration(
        version: 9, name: "api tokens",
        sql: """
            CREATE TABLE api_tokens (
                id           uuid PRIMARY KEY,
                name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100 AND name !~ '[[:cntrl:]]'),
                token_hash   text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
                prefix       text NOT NULL,
                scopes       text NOT NULL CHECK (scopes ~ '^(submit|read|admin)(,(submit|read|admin))*$'),
                created_at   timestamptz NOT NULL DEFAULT now(),
                last_used_at timestamptz,
                revoked_at   timestamptz
            );
            """)
}
