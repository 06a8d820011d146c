import CLibPQ
import FoundationEssentials
import Glibc

extension LibPQConnection {
    /// The refusal of a text parameter that holds a NUL byte (see `withBinds`).
    static func nulInText(parameter: Int, query: String) -> PostgresError {
        PostgresError(
            code: .server, sqlState: "22021",
            message: "text parameter $\(parameter) contains a NUL byte, which PostgreSQL text cannot hold", query: query)
    }

    /// Lays the binds out in one buffer and hands libpq parallel arrays of types, pointers, lengths and
    /// formats. Binary values are read by length, so any bytes survive; libpq reads text values up to a NUL
    /// (it ignores their lengths), so every value is NUL-terminated and a text value containing NUL is
    /// refused rather than silently cut short.
    func withBinds<R>(
        _ binds: [PostgresBind], query: String,
        _ body: (
            Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?,
            UnsafePointer<Int32>?
        ) -> R
    ) throws(PostgresError) -> R {
        if binds.isEmpty { return body(0, nil, nil, nil, nil) }
        var storage: [UInt8] = []
        storage.reserveCapacity(binds.reduce(0) { $0 + ($1.bytes?.count ?? 0) + 1 })
        var offsets: [Int] = []
        for (index, bind) in binds.enumerated() {
            guard let bytes = bind.bytes else {
                offsets.append(-1)
                continue
            }
            if bind.format == .text, bytes.contains(0) { throw Self.nulInText(parameter: index + 1, query: query) }
            offsets.append(storage.count)
            storage.append(contentsOf: bytes)
            storage.append(0)
        }
        let types = binds.map { Oid($0.dataType.rawValue) }
        let lengths = binds.map { Int32($0.bytes?.count ?? 0) }
        let formats = binds.map { $0.format.rawValue }
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let values: [UnsafePointer<CChar>?] = offsets.map { $0 < 0 ? nil : base + $0 }
            return body(Int32(binds.count), types, values, lengths, formats)
        }
    }
}
