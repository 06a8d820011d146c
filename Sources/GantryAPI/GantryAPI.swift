/// The producer HTTP API (Hummingbird 2, spec first: `openapi.yaml` → swift-openapi-generator).
public enum GantryAPI {}
