package vn.gov.lgsp.hub.inbound;

/** One reason an input breaks the contract: where (a JSON pointer) and what. */
public record Violation(String field, String message) {}
