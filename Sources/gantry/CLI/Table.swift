import TextTable

/// TextTable's column, named apart from `Table.Column`.
private typealias TextTableColumn = Column

/// An aligned table for people: a header, columns padded by TextTable, two spaces between them, numbers right
/// aligned; colour only on a terminal (the header bold, and a row in its state's colour), laid over the padded
/// text so escape codes never upset the widths.
struct Table {
    struct Column {
        var title: String
        var rightAligned = false
        init(_ title: String, right: Bool = false) {
            self.title = title
            rightAligned = right
        }
    }

    var columns: [Column]
    private var rows: [[String]] = []
    private var paints: [((String) -> String)?] = []

    init(_ columns: [Column]) { self.columns = columns }

    mutating func append(_ cells: [String], paint: ((String) -> String)? = nil) {
        precondition(cells.count == columns.count, "a row has one cell per column")
        rows.append(cells)
        paints.append(paint)
    }

    var isEmpty: Bool { rows.isEmpty }

    /// The lines of the table, without trailing spaces, each ending in a newline.
    func rendered() -> String {
        let last = columns.count - 1
        // Plain joins cells with one space; one more on every cell but the last makes the gap two.
        let table = TextTable<[String]> { row in
            row.indices.map { i in
                TextTableColumn(
                    title: i == last ? columns[i].title : columns[i].title + " ", value: i == last ? row[i] : row[i] + " ",
                    align: columns[i].rightAligned ? .right : .left)
            }
        }
        guard !rows.isEmpty, let text = table.string(for: rows, style: Plain.self) else {
            return Paint.header(columns.map(\.title).joined(separator: "  ")) + "\n"
        }
        var out = ""
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where n <= rows.count {
            var plain = String(line)
            while plain.last == " " { plain.removeLast() }
            if n == 0 {
                out += Paint.header(plain)
            } else if let paint = paints[n - 1] {
                out += paint(plain)
            } else {
                out += plain
            }
            out += "\n"
        }
        return out
    }

    func print() { Text.writeStandardOutput(rendered()) }
}
