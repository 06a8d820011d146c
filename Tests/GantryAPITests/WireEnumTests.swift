import GantryCore
import GantryDomain
import GantryPostgresStore
import Testing

@testable import GantryAPI

/// The API converts between the document's enums and the stores' by their spelling (`init(wire:)`); these pairs
/// must spell every case alike, both ways, or a request or an answer would stop the server.
@Suite("API: enums on the wire")
struct WireEnumTests {
    /// Every case of `A` converts to `B` and back to itself, and `B` has no case `A` lacks.
    func roundTrips<A: RawRepresentable<String> & CaseIterable & Equatable, B: RawRepresentable<String> & CaseIterable>(
        _: A.Type, _: B.Type
    ) {
        #expect(Set(A.allCases.map(\.rawValue)) == Set(B.allCases.map(\.rawValue)), "\(A.self) and \(B.self) spell their cases alike")
        for value in A.allCases where B(rawValue: value.rawValue) != nil {
            #expect(A(wire: B(wire: value)) == value)
        }
    }

    @Test
    func everyStoreEnumTheAPIConvertsHasTheSameCasesInTheDocument() {
        roundTrips(JobState.self, Components.Schemas.JobState.self)
        roundTrips(ClientRecord.Size.self, Components.Schemas.ClientSize.self)
        roundTrips(ProjectFactors.Level.self, Components.Schemas.FactorLevel.self)
        roundTrips(PhaseState.self, Components.Schemas.PhaseState.self)
        roundTrips(APITokenScope.self, Components.Schemas.TokenScope.self)
        roundTrips(ImportEntity.self, Components.Schemas.ImportEntity.self)
        roundTrips(ImportProfile.self, Components.Schemas.ImportProfile.self)
        roundTrips(DeliveryPhase.self, Components.Schemas.PhaseName.self)
        roundTrips(ProjectRisk.Status.self, Components.Schemas.ProjectRisk.statusPayload.self)
    }
}
