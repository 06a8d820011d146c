extension RedisConnection {
    /// Runs `script` with EVALSHA. On NOSCRIPT (the server's cache lacks it: first use, restart,
    /// SCRIPT FLUSH) it loads the script with SCRIPT LOAD and runs it again, in the same round
    /// trip as the load. A Lua error throws `.serverError`.
    public func run(_ script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument]) async throws -> RESPValue {
        let command = Self.evalsha(script, keys: keys, arguments: arguments)
        let source = script.source
        let reply = try await perform(command: "EVALSHA") { session, call in
            let first = try session.execute(command, call: call)
            guard Self.isNoScript(first) else { return first }
            let replies = try session.execute([["SCRIPT", "LOAD", RedisArgument(source)], command], call: call)
            if case .error = replies[0] { return replies[0] }  // the script does not compile
            return replies[1]
        }
        if case .error(let message) = reply {
            let code: RedisError.Code = Self.isNoScript(reply) ? .noScript : .serverError
            throw RedisError(code: code, message: message, command: "EVALSHA")
        }
        return reply
    }

    /// Runs many scripts in one pipeline (EVALSHA each). Scripts the server lacks are loaded
    /// once each and the affected calls re-sent, in one more round trip. Like `pipeline(_:)`,
    /// errors (including Lua errors) come back as `.error` values in place.
    public func pipeline(
        scripts: [(RedisScript, keys: [RedisArgument], arguments: [RedisArgument])]
    ) async throws -> [RESPValue] {
        guard !scripts.isEmpty else { return [] }
        let commands = scripts.map { Self.evalsha($0.0, keys: $0.keys, arguments: $0.arguments) }
        let sources = scripts.map { $0.0 }
        return try await perform(command: "EVALSHA") { session, call in
            var replies = try session.execute(commands, call: call)
            let missing = replies.indices.filter { Self.isNoScript(replies[$0]) }
            guard !missing.isEmpty else { return replies }
            var loads: [[RedisArgument]] = []
            var loaded: Set<String> = []
            for index in missing where loaded.insert(sources[index].sha1).inserted {
                loads.append(["SCRIPT", "LOAD", RedisArgument(sources[index].source)])
            }
            let retried = try session.execute(loads + missing.map { commands[$0] }, call: call)
            for (offset, index) in missing.enumerated() {
                replies[index] = retried[loads.count + offset]
            }
            return replies
        }
    }

    static func evalsha(_ script: RedisScript, keys: [RedisArgument], arguments: [RedisArgument]) -> [RedisArgument] {
        var command: [RedisArgument] = []
        command.reserveCapacity(3 + keys.count + arguments.count)
        command.append("EVALSHA")
        command.append(RedisArgument(script.sha1))
        command.append(RedisArgument(keys.count))
        command.append(contentsOf: keys)
        command.append(contentsOf: arguments)
        return command
    }

    static func isNoScript(_ reply: RESPValue) -> Bool {
        if case .error(let message) = reply { return message.hasPrefix("NOSCRIPT") }
        return false
    }
}
