import FoundationEssentials
import Glibc

/// `posix_spawn` with what a server needs and Foundation's `Process` does not give: all descriptors but 0–2
/// closed in the child (a server that inherited a test's client socket would keep that connection open), a
/// session of its own, default signal dispositions, and, through `setpriv`, another user and the parent-death
/// signal (see `ProcessSpawner`). The child keeps its pid through `setpriv`'s exec, so signals reach the server.
enum Spawn {
    static func start(_ name: String, _ executable: String, _ arguments: [String], options: SpawnOptions) throws
        -> ChildProcess
    {
        let output = try openOutput(options.logFile)
        defer { close(output) }
        return try start(name, executable, arguments, options: options, output: output)
    }

    /// As above, with standard output and error going to `output` (a pipe, say), which stays open here.
    static func start(_ name: String, _ executable: String, _ arguments: [String], options: SpawnOptions,
                      output: Int32) throws -> ChildProcess
    {
        let (program, argv) = try wrapped(executable, arguments, options: options)
        let environment = ProcessInfo.processInfo.environment.merging(options.environment) { _, new in new }
            .map { "\($0.key)=\($0.value)" }
        let work: @Sendable () throws -> pid_t = {
            try spawn(program, argv, environment: environment, output: output, directory: options.workingDirectory)
        }
        let pid = options.lifetime == .endsWithThisProcess ? try ProcessSpawner.onSpawningThread(work) : try work()
        return ChildProcess(pid: pid, name: name)
    }

    /// The program and argv to spawn: `executable` itself, or `setpriv` in front of it to switch user and/or
    /// set the parent-death signal.
    private static func wrapped(_ executable: String, _ arguments: [String], options: SpawnOptions) throws
        -> (String, [String])
    {
        var setprivArguments: [String] = []
        if options.lifetime == .endsWithThisProcess { setprivArguments += ["--pdeathsig", "KILL"] }
        if let user = options.user {
            setprivArguments += ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups"]
        }
        guard !setprivArguments.isEmpty else { return (executable, [executable] + arguments) }
        guard let setpriv = ServerPrograms.find("setpriv") else {
            throw LocalServerError(.programMissing, "setpriv (util-linux) is needed to start \(executable) "
                + "as another user or bound to this process", program: "setpriv")
        }
        return (setpriv, [setpriv] + setprivArguments + ["--", executable] + arguments)
    }

    private static func openOutput(_ logFile: String?) throws -> Int32 {
        let fd = open(logFile ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LocalServerError(.dataDirectory, "cannot open \(logFile ?? "/dev/null"): errno \(errno)")
        }
        return fd
    }

    private static func spawn(_ program: String, _ argv: [String], environment: [String], output: Int32,
                              directory: String) throws -> pid_t
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        guard GNUSpawnActions.addChangeDirectory(&actions, directory), GNUSpawnActions.addCloseFrom(&actions, 3) else {
            throw LocalServerError(.startFailed, "this C library lacks posix_spawn's chdir and closefrom (glibc 2.34+)",
                                   program: program)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) | GNUSpawnActions.setSessionFlag)

        var pid: pid_t = 0
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        let status = posix_spawn(&pid, program, &actions, &attributes, cArguments, cEnvironment)
        guard status == 0 else {
            throw LocalServerError(.startFailed, "cannot start \(program): \(String(cString: strerror(status)))",
                                   program: program)
        }
        return pid
    }
}

/// glibc's posix_spawn extensions, which Swift's Glibc module does not import (they sit behind `_GNU_SOURCE`):
/// looked up by name once.
private enum GNUSpawnActions {
    /// `POSIX_SPAWN_SETSID` (glibc 2.26+): the child calls setsid().
    static let setSessionFlag: Int16 = 0x80

    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                                        UnsafePointer<CChar>) -> Int32
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let changeDirectory: ChangeDirectory? =
        symbol("posix_spawn_file_actions_addchdir_np")
    private static let closeFrom: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")

    static func addChangeDirectory(_ actions: inout posix_spawn_file_actions_t, _ directory: String) -> Bool {
        guard let changeDirectory else { return false }
        return changeDirectory(&actions, directory) == 0
    }

    static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) -> Bool {
        guard let closeFrom else { return false }
        return closeFrom(&actions, lowest) == 0
    }

    private static func symbol<T>(_ name: String) -> T? {
        guard let handle = dlopen(nil, RTLD_NOW), let address = dlsym(handle, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}
