import Glibc
import Rainbow

/// What the CLI knows about where its output goes: in-place redrawing only on a terminal, so a pipe or a file
/// gets plain text that scripts can read. Colour needs no set-up: Rainbow colours only when stdout is a terminal
/// whose `TERM` is not `dumb`, and never with `NO_COLOR` set.
enum Terminal {
    static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

    /// The terminal's width in columns, or 100 when stdout is not one.
    static var columns: Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 100
    }

    /// The terminal's height in rows, or 40 when stdout is not one.
    static var rows: Int {
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
        return 40
    }
}

/// The few colours the CLI uses, each for one meaning, so they read the same in every table.
enum Paint {
    static func header(_ text: String) -> String { text.bold }
    static func good(_ text: String) -> String { text.green }
    static func bad(_ text: String) -> String { text.red }
    static func warn(_ text: String) -> String { text.yellow }
    static func faint(_ text: String) -> String { text.dim }

    /// A job or import state in the colour of its meaning.
    static func state(_ state: String) -> String {
        switch state {
        case "succeeded", "done", "completed", "live", "ok": good(state)
        case "failed", "dead", "cancelled", "revoked", "error": bad(state)
        case "running", "leased", "retrying", "delayed", "pending": warn(state)
        default: state
        }
    }
}
