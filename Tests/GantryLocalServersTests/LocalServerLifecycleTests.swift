import Foundation
import GantryLocalServers
import GantryTesting
import Testing

/// The kit's servers start on loopback, answer, and once stopped leave neither a process nor a folder behind.
@Suite("Local servers: start, stop, leave nothing", .enabled(if: TestServers.areAvailable))
struct LocalServerLifecycleTests {
    @Test func stoppedRedisLeavesNoProcessAndNoDataDirectory() async throws {
        let server = try TestRedisServer.start(appendOnly: true)
        let directory = server.directory
        #expect(LoopbackPort.redisAnswersPing(server.port))
        #expect(FileManager.default.fileExists(atPath: directory))

        server.stop()

        #expect(!server.isRunning)
        #expect(!LoopbackPort.acceptsConnections(server.port))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func stoppedPostgresLeavesNoProcessNoBackendAndNoDataDirectory() async throws {
        let server = try TestPostgresServer.start()
        let directory = server.directory
        #expect(LoopbackPort.acceptsConnections(server.port))
        let postmaster = try #require(Self.postmasterPID(in: directory + "/data"))
        #expect(ProcessTable.isAlive(postmaster))

        server.stop()

        #expect(!server.isRunning)
        #expect(!ProcessTable.isAlive(postmaster))
        #expect(ProcessTable.children(of: postmaster).isEmpty)
        #expect(!LoopbackPort.acceptsConnections(server.port))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func killedRedisComesBackOnTheSamePortWithItsAppendOnlyData() async throws {
        let server = try TestRedisServer.start(appendOnly: true, appendFsync: .always)
        defer { server.stop() }
        let port = server.port
        server.kill()
        #expect(!server.isRunning)
        try server.restart()
        #expect(server.port == port)
        #expect(LoopbackPort.redisAnswersPing(port))
    }

    @Test func postgresKilledWithItsBackendsRecoversOnRestart() async throws {
        let server = try TestPostgresServer.start()
        defer { server.stop() }
        server.kill()
        #expect(!server.isRunning)
        try server.restart()
        #expect(LoopbackPort.acceptsConnections(server.port))
    }

    @Test func aServerBoundToItsParentDiesWhenTheParentIsKilled() async throws {
        // A shell plays the test process: it starts a server bound to it the way the kit does (setpriv's
        // parent-death signal) and is then killed with SIGKILL, so no clean-up code of its own can run.
        let setpriv = try #require(ServerPrograms.find("setpriv"))
        let redis = try ServerPrograms.redisServer()
        let port = try LoopbackPort.free()
        let parent = Process()
        parent.executableURL = URL(fileURLWithPath: "/bin/sh")
        parent.arguments = ["-c", "\(setpriv) --pdeathsig KILL -- \(redis) --port \(port) --bind 127.0.0.1 "
            + "--save '' --appendonly no >/dev/null 2>&1 & wait"]
        try parent.run()
        try await eventually("redis-server started by the parent answers") { LoopbackPort.redisAnswersPing(port) }

        kill(parent.processIdentifier, SIGKILL)

        try await eventually("redis-server dies with its parent") { !LoopbackPort.acceptsConnections(port) }
    }

    @Test func postgresBinariesAreFoundWithoutConfiguration() throws {
        let directory = try ServerPrograms.postgresBinDirectory()
        #expect(FileManager.default.isExecutableFile(atPath: directory + "/initdb"))
        #expect(FileManager.default.isExecutableFile(atPath: directory + "/postgres"))
    }

    private static func postmasterPID(in cluster: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: cluster + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first
        else { return nil }
        return pid_t(first)
    }
}
