/// Whether a server may outlive the process that started it.
///
/// Either way it runs in a session of its own, so a terminal's Ctrl-C reaches only its parent, which then stops
/// it in order (a worker that drains against Redis needs Redis to stay up until it has finished).
public enum ServerLifetime: Sendable {
    /// It gets SIGKILL when this process dies, however it dies (Linux's parent-death signal): the tests' servers,
    /// which nothing should find running after the test process has gone.
    case endsWithThisProcess
    /// It keeps running if this process is killed: `gantry dev`'s servers, which a later `gantry dev` on the
    /// same data directory finds by their pid files and stops (`LeftoverProcess`), so their data is never cut off
    /// mid-write by a dying supervisor.
    case independent
}
