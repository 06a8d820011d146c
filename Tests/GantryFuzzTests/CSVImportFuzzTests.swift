import FoundationEssentials
import GantryDomain
import GantryJobs
import PropertyBased
import Testing

@Suite struct CSVImportFuzzTests {
    /// Pieces an import file is built from: the characters that decide record boundaries, in every
    /// combination, plus NUL, a BOM, invalid UTF-8, multi-byte text and a huge field.
    static let pieces: [[UInt8]] = [
        Array("\"".utf8), Array(",".utf8), [0x0D], [0x0A], [0x0D, 0x0A], [0x00], [0xEF, 0xBB, 0xBF], [0xFF],
        [0xC3], Array("A1".utf8), Array("x".utf8), Array(" ".utf8), Array("24\"".utf8), Array("\"\"".utf8),
        Array("é".utf8), Array("\u{3000}".utf8), Array("\u{0B}".utf8), Array("a@b.co".utf8),
        Array(repeating: UInt8(ascii: "w"), count: 70_000),
    ]
    static let headers = ["", "external_id,name\n", "external_id,name\r\n", "external_id,name\r", "external_id,name,industry\n"]

    /// A file: one of the headers (or none) and up to 80 random pieces.
    static let files = zip(
        Gen.int(in: 0...(headers.count - 1)),
        Gen.int(in: 0...(pieces.count - 1)).array(of: 0...80),
        Gen.int(in: 1...7)
    ).map { header, pieces, batchSize in
        (file: Array(headers[header].utf8) + pieces.flatMap { Self.pieces[$0] }, batchSize: batchSize)
    }

    /// What must hold for any file: the planner refuses it with a code, or every batch reads back as
    /// exactly the records the planner counted, and those are the file's records.
    static func check(_ file: [UInt8], batchSize: Int) -> String? {
        let plan: ImportPlanner.Plan
        do {
            plan = try ImportPlanner().plan(
                ImportRequest(projectID: UUID(), entity: .accounts, sourceName: "fuzz.csv", csv: file, batchSize: batchSize))
        } catch {
            let known: [DataImportError.Code] = [.notUTF8, .malformedFile, .nulByte, .mapping]
            return known.contains(error.code) ? nil : "refused with an unexpected code: \(error)"
        }
        let header: ImportPlanner.Header
        do {
            header = try ImportPlanner.header(plan.newImport.header, entity: .accounts, profile: .gantry)
        } catch {
            return "the stored header does not read back: \(error)"
        }
        // The file's records, read in one go as a person would count them, from its text as decoded
        // (bytes that are not UTF-8 may be GB18030, which the planner then reads them as).
        guard let text = try? SourceDecoder.decode(file, as: .auto) else { return "the planner accepted a file that does not decode" }
        var whole = CSVRecordReader(text.bytes)
        var expected: [[String]] = []
        do {
            _ = try whole.next()
            while let record = try whole.next() { expected.append(record.fields) }
        } catch {
            return "the planner accepted a file the reader refuses: \(error)"
        }
        var read: [[String]] = []
        var nextRow = 1
        let normaliser = RowNormaliser(mapping: header.mapping)
        for batch in plan.newImport.batches {
            guard batch.firstRow == nextRow else { return "batch \(batch.batchNo) starts at row \(batch.firstRow), not \(nextRow)" }
            var reader = CSVRecordReader(Array(batch.source.utf8), lineEnding: header.lineEnding)
            var count = 0
            do {
                while let record = try reader.next() {
                    read.append(record.fields)
                    _ = normaliser.normalise(record.fields)
                    count += 1
                }
            } catch {
                return "batch \(batch.batchNo) does not read back: \(error)"
            }
            guard count == batch.rowCount else {
                return "batch \(batch.batchNo): the planner counted \(batch.rowCount) records, the batch reads \(count)"
            }
            nextRow += count
        }
        guard read == expected else { return "the batches hold other records than the file (\(read.count) vs \(expected.count))" }
        return nil
    }

    @Test func randomFilesAreRefusedWithACodeOrReadBackRecordForRecord() {
        seededCheck(seed: 0xC5F0_0001, quick: 400, input: Self.files) { Self.check($0.file, batchSize: $0.batchSize) }
    }

    /// The inputs of issue 10, kept as regression cases.
    @Test(arguments: [
        "external_id,name\rA1,Acme\rA2,\"Beta\rGmbH\"\rA3,Gamma\r",      // Excel "CSV (Macintosh)"
        "external_id,name\r\nA1,Acme\rCorp\r\nA2,Beta\r\n",             // stray CR in an unquoted field
        "external_id,name\nA1,Monitor 24\"\nA2,Screen 27\"\n",          // inch marks in two rows
        "external_id,name\nA1,Acme\u{0}\n",                             // NUL
        "\u{FEFF}external_id,name\r\nA1,\"a\r\nb\"\n\nA2,x\r",           // BOM, CRLF in quotes, blank line, mixed endings
        "external_id,name\nA1,\"never closed\nA2,x\n",                  // a quote that never closes
        "external_id,name\nA1,\"Acme\" Ltd\n",                          // text after a closing quote
    ])
    func issueTenInputsAreRefusedWithACodeOrReadBackRecordForRecord(text: String) {
        for batchSize in 1...3 {
            if let failure = Self.check(Array(text.utf8), batchSize: batchSize) { Issue.record("\(failure)") }
        }
    }

    @Test func crOnlyFileHasAllItsRecordsAndNulIsRefusedWithItsLine() throws {
        let plan = try ImportPlanner().plan(
            ImportRequest(projectID: UUID(), entity: .accounts, sourceName: "mac.csv",
                          csv: Array("external_id,name\rA1,Acme\rA2,Beta\rA3,Gamma".utf8), batchSize: 2))
        #expect(plan.newImport.sourceRows == 3)
        #expect(plan.newImport.batches.map(\.rowCount) == [2, 1])
        let nul = #expect(throws: DataImportError.self) {
            try ImportPlanner().plan(
                ImportRequest(projectID: UUID(), entity: .accounts, sourceName: "a.csv", csv: Array("external_id,name\nA1,x\u{0}\n".utf8)))
        }
        #expect(nul?.code == .nulByte && nul?.message.contains("line 2") == true)
        // UTF-16 without a byte-order mark (with one it is not UTF-8) is refused for its NULs.
        let utf16 = Array("external_id,name\nA1,x\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let refused = #expect(throws: DataImportError.self) {
            try ImportPlanner().plan(ImportRequest(projectID: UUID(), entity: .accounts, sourceName: "u.csv", csv: utf16))
        }
        #expect(refused?.code == .nulByte)
    }

    @Test func aLineEndingOfTheOtherKindOutsideQuotesMarksTheRecordNotTheFile() throws {
        var lf = CSVRecordReader(Array("a,b\nx\ry,z\n".utf8))
        _ = try lf.next()
        let stray = try #require(try lf.next())
        #expect(stray.fields == ["x\ry", "z"] && stray.problem?.field == 0)
        #expect(try lf.next() == nil)
        var cr = CSVRecordReader(Array("a,b\rx,y\nz\r\"q\nr\",s\r\n".utf8))
        _ = try cr.next()
        #expect(try cr.next()?.problem?.field == 1)
        let quoted = try #require(try cr.next())
        #expect(quoted.fields == ["q\nr", "s"] && quoted.problem == nil && quoted.line == 4)
    }
}
