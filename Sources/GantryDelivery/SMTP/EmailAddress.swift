/// The checks an address passes before it is written into an SMTP command or a header.
package enum EmailAddress {
    /// Same shape as the `contacts.email` check, and nothing that could break out of `<…>` or a line.
    package static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254, !address.contains(where: { $0.isWhitespace || "<>\",;()\\".contains($0) }),
            !address.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return true
    }

    /// The domain part, for `Message-ID`s.
    package static func domain(of address: String) -> String? {
        address.split(separator: "@").last.map(String.init)
    }
}
