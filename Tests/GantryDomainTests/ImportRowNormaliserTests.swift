import GantryDomain
import Testing

@Suite struct ImportRowNormaliserTests {
    let contacts = try! ColumnMapping(
        header: ["external_id", "account_external_id", "first_name", "last_name", "email", "phone", "title", "legacy_owner"],
        entity: .contacts, profile: .gantry)

    func verdict(_ record: [String], _ mapping: ColumnMapping? = nil) -> RowVerdict {
        RowNormaliser(mapping: mapping ?? contacts).normalise(record)
    }

    @Test func trimsValuesLowerCasesEmailAndKeepsOnlyPhoneDigits() {
        let result = verdict(["  C1 ", "A1", " Anna", "Smith ", " Anna.Smith@Example.COM ", "+1 (555) 010-2030", "", "x"])
        #expect(result == .accepted(["C1", "A1", "Anna", "Smith", "anna.smith@example.com", "+15550102030", nil]))
    }

    @Test func blankRequiredFieldIsRejectedWithTheColumnAsTheFileSpellsIt() {
        #expect(verdict(["C1", "", "Anna", "  ", "", "", "", ""])
            == .rejected(column: "last_name", reason: "is required", externalID: "C1"))
    }

    @Test(arguments: ["anna", "anna@", "@example.com", "anna@example", "an na@example.com", "a@b@example.com"])
    func malformedEmailIsRejected(email: String) {
        guard case .rejected(let column, let reason, _) = verdict(["C1", "", "", "Smith", email, "", "", ""]) else {
            Issue.record("\(email) was accepted")
            return
        }
        #expect(column == "email")
        #expect(reason.contains("not an e-mail address"))
    }

    @Test(arguments: ["12345", "555-CALL-NOW", "+1 555 0102 0304 0506 07"])
    func malformedPhoneIsRejected(phone: String) {
        guard case .rejected(let column, _, _) = verdict(["C1", "", "", "Smith", "", phone, "", ""]) else {
            Issue.record("\(phone) was accepted")
            return
        }
        #expect(column == "phone")
    }

    @Test func recordWithTheWrongFieldCountIsRejectedAsAWhole() {
        #expect(verdict(["C9", "A1", "Anna"])
            == .rejected(column: nil, reason: "the record has 3 field(s), the header 8", externalID: "C9"))
    }

    @Test func mappingNamesMissingRequiredColumnsAndIgnoresUnknownOnes() throws {
        #expect(contacts.ignoredHeaders == ["legacy_owner"])
        #expect(throws: DomainError.self) {
            try ColumnMapping(header: ["external_id", "email"], entity: .contacts, profile: .gantry)
        }
        do {
            _ = try ColumnMapping(header: ["Id", "Email"], entity: .contacts, profile: .salesforce)
            Issue.record("a header without LastName was accepted")
        } catch {
            #expect(error.message.contains("LastName"))
        }
    }

    @Test func byteOrderMarkAndHeaderCaseDoNotMatter() throws {
        let mapping = try ColumnMapping(header: ["\u{FEFF}ID", "lastname", "ACCOUNTID"], entity: .contacts, profile: .salesforce)
        #expect(RowNormaliser(mapping: mapping).normalise(["003A", "Smith", "001B"])
            == .accepted(["003A", "001B", nil, "Smith", nil, nil, nil]))
    }

    @Test func salesforceDealStagesAmountsAndDatesAreNormalised() throws {
        let mapping = try ColumnMapping(
            header: ["Id", "Name", "StageName", "Amount", "CurrencyIsoCode", "CloseDate"], entity: .deals, profile: .salesforce)
        let normaliser = RowNormaliser(mapping: mapping)
        #expect(normaliser.normalise(["006A", "Renewal", "Closed Won", "1,234.5", "eur", "2026-02-28"])
            == .accepted(["006A", "Renewal", "closed_won", "1234.50", "EUR", "2026-02-28", nil, nil]))
        #expect(normaliser.normalise(["006B", "Upsell", "Negotiation/Review", "0007", "USD", ""])
            == .accepted(["006B", "Upsell", "negotiation", "7.00", "USD", nil, nil, nil]))
    }

    @Test func dealRulesRejectNegativeAmountsBadDatesUnknownStagesAndAmountsWithoutCurrency() throws {
        let mapping = try ColumnMapping(
            header: ["external_id", "name", "stage", "amount", "currency", "close_date"], entity: .deals, profile: .gantry)
        let normaliser = RowNormaliser(mapping: mapping)
        func column(_ record: [String]) -> String? {
            if case .rejected(let column, _, _) = normaliser.normalise(record) { return column }
            return "accepted"
        }
        #expect(column(["D1", "N", "proposal", "-5", "USD", ""]) == "amount")
        #expect(column(["D1", "N", "proposal", "1.005", "USD", ""]) == "amount")
        // Grouping separators belong before the decimal point only: "1.2,3" is no amount, "1,234.5" is.
        #expect(column(["D1", "N", "proposal", "1.2,3", "USD", ""]) == "amount")
        #expect(column(["D1", "N", "proposal", "1,234.5", "USD", ""]) == "accepted")
        #expect(column(["D1", "N", "proposal", "10", "US", ""]) == "currency")
        #expect(column(["D1", "N", "proposal", "10", "", ""]) == "currency")
        #expect(column(["D1", "N", "won-ish", "", "", ""]) == "stage")
        #expect(column(["D1", "N", "proposal", "", "", "2026-02-29"]) == "close_date")
        #expect(column(["D1", "N", "proposal", "", "", "2028-02-29"]) == "accepted")
    }

    @Test func timestampsGetAnExplicitOffset() throws {
        let mapping = try ColumnMapping(header: ["external_id", "type", "subject", "due_at"], entity: .activities, profile: .gantry)
        let normaliser = RowNormaliser(mapping: mapping)
        func due(_ raw: String) -> String?? {
            if case .accepted(let values) = normaliser.normalise(["T1", "Call", "Kick-off", raw]) { return values[4] }
            return nil
        }
        #expect(due("2026-03-02") == .some("2026-03-02T00:00:00+00:00"))
        #expect(due("2026-03-02 09:30") == .some("2026-03-02T09:30:00+00:00"))
        #expect(due("2026-03-02T09:30:15.250+0530") == .some("2026-03-02T09:30:15+05:30"))
        #expect(due("2026-03-02T25:00:00Z") == nil)
    }

    @Test func lengthsAreCountedInCodePointsAsPostgreSQLCounts() throws {
        // 255 characters but 510 code points: over the limit, and over what the external id's index holds.
        let combined = String(repeating: "e\u{301}", count: 255)
        guard case .rejected(let column, let reason, _) = verdict([combined, "", "", "Smith", "", "", "", ""]) else {
            Issue.record("a 510-code-point external id was accepted")
            return
        }
        #expect(column == "external_id" && reason == "is longer than 255 characters")
    }

    @Test func controlCharactersInAnyFieldAreRejectedWithTheirName() {
        #expect(verdict(["C1", "", "An\u{1B}na", "Smith", "", "", "", ""])
            == .rejected(column: "first_name", reason: "holds the control character U+001B, which no CRM field means",
                         externalID: "C1"))
        #expect(verdict(["C1", "", "Anna", "Smith", "", "", "Head of\tSales\r\nEMEA", ""])
            == .accepted(["C1", nil, "Anna", "Smith", nil, nil, "Head of\tSales\r\nEMEA"]))
    }

    @Test func currencyCodesAreThreeASCIILettersBeforeUpperCasing() throws {
        let mapping = try ColumnMapping(header: ["external_id", "name", "stage", "amount", "currency"], entity: .deals, profile: .gantry)
        func currency(_ raw: String) -> RowVerdict { RowNormaliser(mapping: mapping).normalise(["D1", "N", "proposal", "1", raw]) }
        #expect(currency("ßA") != .accepted(["D1", "N", "proposal", "1.00", "SSA", nil, nil, nil]))
        #expect(currency("eur") == .accepted(["D1", "N", "proposal", "1.00", "EUR", nil, nil, nil]))
    }
}
