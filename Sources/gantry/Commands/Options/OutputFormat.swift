import ArgumentParser

/// `--json` of the commands that list or show things: one JSON document for scripts, else text for a person.
struct OutputFormat: ParsableArguments {
    @Flag(help: "Print JSON.")
    var json = false

    /// A list: a JSON array (`json`, by default the items themselves), or for a person `none` when it is empty
    /// and else the table `table` makes.
    func list<Item>(_ items: [Item], json document: some Encodable, none: String, table: () -> Table) throws {
        if json { return try JSONOutput.print(document) }
        guard !items.isEmpty else { return Text.writeStandardOutput(none + "\n") }
        table().print()
    }

    func list<Item: Encodable>(_ items: [Item], none: String, table: () -> Table) throws {
        try list(items, json: items, none: none, table: table)
    }

    /// One thing: its JSON, or what `human` writes for a person.
    func show(_ item: some Encodable, human: () throws -> Void) throws {
        if json { return try JSONOutput.print(item) }
        try human()
    }
}

extension Table {
    /// A table of one row of cells per item, painted by `paint` (a row's state colour), in the items' order.
    init<Item>(
        _ columns: [Column], rows items: [Item], cells: (Item) -> [String], paint: (Item) -> ((String) -> String)? = { _ in nil }
    ) {
        self.init(columns)
        for item in items { append(cells(item), paint: paint(item)) }
    }
}
