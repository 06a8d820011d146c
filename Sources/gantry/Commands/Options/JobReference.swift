import ArgumentParser

/// Which job a command acts on: its ID, and optionally its queue (else the API searches every queue).
struct JobReference: ParsableArguments {
    @Argument(help: "The job's ID.")
    var id: String

    @Option(help: "The job's queue (default: every queue is searched).")
    var queue: String?
}
