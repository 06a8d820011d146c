import CHiredis
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Everything a connection's thread owns: the configuration, the current context (nil after an
/// I/O error, until the next call reconnects) and scratch buffers reused by every command.
///
/// Confined to that one thread, so it needs no lock and is not `Sendable`.
final class RedisSession {
    let configuration: RedisConfiguration
    let logger: Logger
    private var context: RedisContextOwner?

    // Scratch for `redisAppendCommandArgv`: argument bytes are copied here back to back, so
    // the pointers stay valid for the call without nesting `withUnsafeBufferPointer` per argument.
    private var argumentBytes: UnsafeMutableRawPointer
    private var argumentCapacity: Int
    private var argv: UnsafeMutablePointer<UnsafePointer<CChar>?>
    private var argvLengths: UnsafeMutablePointer<Int>
    private var argvCapacity: Int

    /// Attempts per reconnect when the server refuses quickly (for example while it restarts).
    private static let connectAttempts = 3

    init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        argumentCapacity = 4096
        argumentBytes = .allocate(byteCount: argumentCapacity, alignment: 8)
        argvCapacity = 16
        argv = .allocate(capacity: argvCapacity)
        argvLengths = .allocate(capacity: argvCapacity)
    }

    deinit {
        release()
        argumentBytes.deallocate()
        argv.deallocate()
        argvLengths.deallocate()
    }

    /// Frees the context (the thread is leaving, or the connection was closed).
    func release() {
        context?.release()
        context = nil
    }

    // MARK: Connecting

    /// Connects (AUTH, SELECT) unless a healthy context exists.
    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    func ensureConnected(_ call: any CallInterruption) throws {
        if context != nil { return }
        var attempt = 1
        var delayMilliseconds: UInt32 = 25
        let clock = ContinuousClock()
        let started = clock.now
        while true {
            do {
                context = try connectOnce()
                logger.debug("redis connected", metadata: ["redis.server": "\(configuration)"])
                return
            } catch let error as RedisError {
                // Bounded retry: only for connection failures (not a wrong password), a few
                // attempts, and never longer than one connect timeout in total.
                guard error.code == .connectionFailed, attempt < Self.connectAttempts,
                    clock.now - started < configuration.connectTimeout
                else { throw error }
                if let code = call.beginIO(fd: -1) { throw interruptionError(code, command: nil) }
                _ = call.endIO()
                logger.debug(
                    "redis connect failed, retrying",
                    metadata: ["redis.server": "\(configuration)", "redis.error": "\(error.message)"])
                usleep(delayMilliseconds * 1000)
                delayMilliseconds *= 4
                attempt += 1
            }
        }
    }

    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    private func connectOnce() throws -> RedisContextOwner {
        guard let raw = redisConnectWithTimeout(
            configuration.host, Int32(clamping: configuration.port), makeTimeval(configuration.connectTimeout))
        else {
            throw RedisError(code: .connectionFailed, message: "cannot allocate a context for \(configuration)")
        }
        let owner = RedisContextOwner(raw)  // owns it from here, also on failure
        guard owner.errorKind == 0 else {
            throw RedisError(
                code: .connectionFailed, message: "cannot connect to \(configuration): \(owner.errorText)")
        }
        _ = owner.setTimeout(configuration.commandTimeout)
        redisEnableKeepAlive(raw)

        if let password = configuration.password {
            var auth: [RedisArgument] = ["AUTH"]
            if let username = configuration.username { auth.append(RedisArgument(username)) }
            auth.append(RedisArgument(password))
            let reply = try handshake(owner, auth, failure: .authenticationFailed)
            if case .error(let message) = reply {
                throw RedisError(
                    code: .authenticationFailed,
                    message: "authentication failed for \(configuration): \(message)", command: "AUTH")
            }
        }
        if configuration.database != 0 {
            let reply = try handshake(owner, ["SELECT", RedisArgument(configuration.database)], failure: .connectionFailed)
            if case .error(let message) = reply {
                throw RedisError(
                    code: .connectionFailed,
                    message: "cannot select database \(configuration.database) on \(configuration): \(message)",
                    command: "SELECT")
            }
        }
        return owner
    }

    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    private func handshake(_ owner: RedisContextOwner, _ command: [RedisArgument], failure: RedisError.Code) throws -> RESPValue {
        guard append(command, to: owner) else {
            throw RedisError(code: failure, message: "cannot buffer the handshake for \(configuration)")
        }
        var savedErrno: Int32 = 0
        guard let reply = owner.readReply(savedErrno: &savedErrno) else {
            let error = ioError(owner, savedErrno: savedErrno, command: nil)
            throw RedisError(
                code: failure == .authenticationFailed ? .connectionFailed : failure,
                message: "handshake with \(configuration) failed: \(error.message)",
                command: commandName(command))
        }
        return reply
    }

    // MARK: Commands

    /// Sends `commands` in one write and reads one reply each. Server errors stay in place as
    /// `.error`; an I/O error, timeout or interruption discards the context and throws.
    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    func execute(_ commands: [[RedisArgument]], timeout: Duration? = nil, call: any CallInterruption) throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let command = commandName(commands[0])
        try ensureConnected(call)
        guard let context else { throw RedisError(code: .connectionClosed, message: "not connected", command: command) }
        if let code = call.beginIO(fd: context.fileDescriptor) {
            throw interruptionError(code, command: command)
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        let failure = transfer(commands, on: context, timeout: timeout, into: &replies)
        return try finish(call: call, context: context, failure: failure, command: command) { replies }
    }

    /// One command: the same as `execute([command])` without the array of replies.
    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    func execute(_ command: [RedisArgument], timeout: Duration? = nil, call: any CallInterruption) throws -> RESPValue {
        let name = commandName(command)
        try ensureConnected(call)
        guard let context else { throw RedisError(code: .connectionClosed, message: "not connected", command: name) }
        if let code = call.beginIO(fd: context.fileDescriptor) {
            throw interruptionError(code, command: name)
        }
        var replies: [RESPValue] = []
        let failure = transfer(CollectionOfOne(command), on: context, timeout: timeout, into: &replies)
        return try finish(call: call, context: context, failure: failure, command: name) { replies[0] }
    }

    /// Appends, writes and reads; returns the failure, if any (the caller decides what it means).
    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    private func transfer(
        _ commands: some Collection<[RedisArgument]>, on context: RedisContextOwner, timeout: Duration?,
        into replies: inout [RESPValue]
    ) -> RedisError? {
        if let timeout, !context.setTimeout(timeout) {
            return ioError(context, savedErrno: errno, command: nil)
        }
        for command in commands {
            guard append(command, to: context) else {
                return RedisError(code: .connectionClosed, message: "cannot buffer a command (out of memory)")
            }
        }
        var savedErrno: Int32 = 0
        for _ in 0..<commands.count {
            guard let reply = context.readReply(savedErrno: &savedErrno) else {
                return ioError(context, savedErrno: savedErrno, command: nil)
            }
            replies.append(reply)
        }
        if timeout != nil, !context.setTimeout(configuration.commandTimeout) {
            return ioError(context, savedErrno: errno, command: nil)
        }
        return nil
    }

    /// Withdraws the socket from the call, then settles the outcome: an interrupted call or an
    /// I/O failure discards the context (its socket may be shut down or its stream out of step).
    @available(*, noasync, message: "blocks the thread; run on the connection thread")
    private func finish<T>(
        call: any CallInterruption, context: RedisContextOwner, failure: RedisError?, command: String?,
        value: () -> T
    ) throws -> T {
        let interruption = call.endIO()
        if let failure {
            if let interruption {
                // The failure is the shut-down socket: report why it was shut down.
                let error = interruptionError(interruption, command: command)
                discard(reason: error)
                throw error
            }
            discard(reason: failure)
            var error = failure
            error.command = command
            throw error
        }
        if let interruption {
            // The replies arrived, but the socket may already be shut down: drop the context
            // and still hand back the result the server produced.
            discard(reason: interruptionError(interruption, command: command))
        }
        return value()
    }

    private func discard(reason: RedisError) {
        if reason.code != .cancelled {
            logger.warning(
                "redis connection lost; the next call reconnects",
                metadata: ["redis.server": "\(configuration)", "redis.error": "\(reason)"])
        }
        release()
    }

    private func append(_ command: [RedisArgument], to context: RedisContextOwner) -> Bool {
        let argc = command.count
        guard argc > 0 else { return false }
        var total = 0
        for argument in command { total += argument.bytes.count }
        if total > argumentCapacity {
            argumentBytes.deallocate()
            argumentCapacity = max(total, argumentCapacity * 2)
            argumentBytes = .allocate(byteCount: argumentCapacity, alignment: 8)
        }
        if argc > argvCapacity {
            argv.deallocate()
            argvLengths.deallocate()
            argvCapacity = max(argc, argvCapacity * 2)
            argv = .allocate(capacity: argvCapacity)
            argvLengths = .allocate(capacity: argvCapacity)
        }
        var offset = 0
        for (index, argument) in command.enumerated() {
            let count = argument.bytes.count
            let destination = argumentBytes + offset
            argument.bytes.withUnsafeBytes { source in
                if count > 0 { destination.copyMemory(from: source.baseAddress!, byteCount: count) }
            }
            argv[index] = UnsafePointer(destination.assumingMemoryBound(to: CChar.self))
            argvLengths[index] = count
            offset += count
        }
        return context.appendCommand(argc: Int32(argc), argv: argv, lengths: argvLengths)
    }

    private func ioError(_ context: RedisContextOwner, savedErrno: Int32, command: String?) -> RedisError {
        let text = context.errorText
        let code: RedisError.Code
        switch context.errorKind {
        case REDIS_ERR_IO where savedErrno == EAGAIN || savedErrno == EWOULDBLOCK || savedErrno == ETIMEDOUT:
            code = .timeout
        case REDIS_ERR_PROTOCOL:
            code = .protocolError
        default:
            code = .connectionClosed
        }
        let what = code == .timeout ? "timed out on" : "lost the connection to"
        return RedisError(code: code, message: "\(what) \(configuration): \(text)", command: command)
    }

    private func interruptionError(_ code: RedisError.Code, command: String?) -> RedisError {
        let message = code == .cancelled
            ? "the task was cancelled; the connection to \(configuration) was discarded"
            : "the connection to \(configuration) was closed"
        return RedisError(code: code, message: message, command: command)
    }
}

/// The first word of a command, for errors and logs: never its arguments, which may hold secrets.
func commandName(_ command: [RedisArgument]) -> String? {
    guard let first = command.first else { return nil }
    return String(decoding: first.bytes.prefix(32), as: UTF8.self).uppercased()
}
