import FoundationEssentials
import GantryThreads
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// One connection to a Redis server, safe to share between tasks (calls run one after another).
///
/// hiredis' API is blocking, so each connection owns one dedicated OS thread that owns the
/// `redisContext*` and makes every blocking call; async methods hand work to that thread and
/// suspend, so Swift's cooperative pool is never blocked. Pipelining and scripts cost one
/// hand-off and one round trip each.
///
/// After an I/O error, timeout or cancellation the context is discarded and the failing call
/// throws; it is not retried (commands may not be idempotent). The next call reconnects,
/// sending AUTH and SELECT again.
public final class RedisConnection: Sendable {
    /// The server this connection talks to.
    public let configuration: RedisConfiguration
    private let mailbox: Mailbox<any ConnectionWork>

    private init(configuration: RedisConfiguration, logger: Logger) {
        self.configuration = configuration
        let mailbox = Mailbox<any ConnectionWork>()
        self.mailbox = mailbox
        OSThread.detach(name: "gantry.redis") {
            Self.threadMain(mailbox: mailbox, configuration: configuration, logger: logger)
        }
    }

    deinit {
        close()
    }

    /// Connects (with AUTH and SELECT as configured) and returns the connection.
    ///
    /// Throws `.connectionFailed` when the server cannot be reached and `.authenticationFailed`
    /// when AUTH is refused; neither message contains the password.
    public static func connect(
        configuration: RedisConfiguration, logger: Logger = Logger(label: "gantry.redis")
    ) async throws -> RedisConnection {
        let connection = RedisConnection(configuration: configuration, logger: logger)
        do {
            try await connection.perform(command: nil) { session, call in try session.ensureConnected(call) }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Sends one command. A server error reply throws `RedisError(code: .serverError, message: the reply text)`.
    public func send(_ arguments: [RedisArgument]) async throws -> RESPValue {
        try await sendCommand(arguments, timeout: nil)
    }

    /// Sends one command. A server error reply throws `RedisError(code: .serverError, message: the reply text)`.
    public func send(_ arguments: RedisArgument...) async throws -> RESPValue {
        try await sendCommand(arguments, timeout: nil)
    }

    /// Sends one command that may block on the server (BLPOP, BLMOVE, BRPOP...), reading with
    /// `timeout` instead of `commandTimeout`; make it longer than the command's own timeout.
    /// `.zero` waits forever (cancel the task to stop waiting).
    public func send(_ arguments: [RedisArgument], timeout: Duration) async throws -> RESPValue {
        try await sendCommand(arguments, timeout: timeout)
    }

    private func sendCommand(_ arguments: [RedisArgument], timeout: Duration?) async throws -> RESPValue {
        let name = try Self.validate(arguments)
        let reply = try await perform(command: name) { session, call in
            try session.execute(arguments, timeout: timeout, call: call)
        }
        if case .error(let message) = reply {
            throw RedisError(code: .serverError, message: message, command: name)
        }
        return reply
    }

    /// Sends many commands in one write and reads all replies in one round trip, in order.
    ///
    /// Server errors come back as `.error` values in place (not thrown), so one failing command
    /// does not hide the others' replies. A connection failure throws, and then no reply is known.
    public func pipeline(_ commands: [[RedisArgument]]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        for command in commands { _ = try Self.validate(command) }
        return try await perform(command: commandName(commands[0])) { session, call in
            try session.execute(commands, call: call)
        }
    }

    /// Closes the connection: queued calls fail with `.connectionClosed`, a call blocked in a
    /// read is interrupted, and the thread exits after freeing the context. Idempotent.
    public func close() {
        guard let closing = mailbox.close() else { return }
        let error = RedisError(code: .connectionClosed, message: "the connection was closed")
        for work in closing.pending { work.fail(error) }
        closing.current?.interrupt(.connectionClosed)
    }

    // MARK: Hand-off to the connection thread

    /// Runs `body` on the connection thread and suspends until it returns. Cancelling the task
    /// interrupts the call, even while it is blocked in a read.
    func perform<Value: Sendable>(
        command: String?, _ body: @escaping PendingCall<Value>.Body
    ) async throws -> Value {
        let call = PendingCall(command: command, body: body)
        let mailbox = self.mailbox
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard call.arm(continuation) else { return }
                if !mailbox.post(call) {
                    call.fail(RedisError(code: .connectionClosed, message: "the connection was closed", command: command))
                }
            }
        } onCancel: {
            call.interrupt(.cancelled)
        }
    }

    private static func validate(_ command: [RedisArgument]) throws -> String? {
        guard !command.isEmpty else {
            throw RedisError(code: .invalidArgument, message: "a command needs at least one argument")
        }
        return commandName(command)
    }

    @available(*, noasync, message: "the body of the connection thread")
    private static func threadMain(mailbox: Mailbox<any ConnectionWork>, configuration: RedisConfiguration, logger: Logger) {
        // A write to a socket the server reset raises SIGPIPE, which would kill the process.
        // Blocking it on this thread only turns it into EPIPE, without touching process-wide state.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)

        let session = RedisSession(configuration: configuration, logger: logger)
        while let work = mailbox.next() {
            work.run(on: session)
        }
        session.release()
    }
}
